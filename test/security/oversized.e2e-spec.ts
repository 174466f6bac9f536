import { maxHeaderSize as nodeMaxHeaderSize } from 'node:http';
import type { Server } from 'node:http';
import { Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { API, TestApp, signIn, startTestApp } from '../support/test-app';
import { writesSoFar } from './hostile';

/**
 * Oversized and slow requests: a body over 16 kB is a JSON 413, a head over Node's header limit
 * a 431, and a client that trickles its headers (slow-loris) is cut off by the server's
 * headersTimeout — all without disturbing other clients or writing anything.
 */

const BODY_LIMIT = 16 * 1024;

/** A raw connection: what was received, and when the server closed it. */
interface RawConnection {
  readonly socket: Socket;
  received(): string;
  readonly closed: Promise<number>;
}

async function open(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a reset is an answer too; `closed` reports it
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

const statusLine = (raw: string) => raw.split('\r\n')[0];
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);
/** The server's own header limit when it was given one, else Node's (16 kB by default). */
const headerLimit = (server: Server) =>
  (server as Server & { maxHeaderSize?: number }).maxHeaderSize ?? nodeMaxHeaderSize;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Oversized and slow requests', () => {
  let t: TestApp;
  let admin: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
    await t.app.listen(0, '127.0.0.1');
    server = t.app.getHttpServer() as Server;
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('answers a body just over 16 kB with a JSON 413 and one of exactly 16 kB without', async () => {
    const before = await writesSoFar(t);
    const sized = (bytes: number) => `{"name":"${'x'.repeat(bytes - 29)}","expiresInDays":7}`;
    expect(Buffer.byteLength(sized(BODY_LIMIT + 1))).toBe(BODY_LIMIT + 1);

    const over = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .send(sized(BODY_LIMIT + 1));
    expect(over.status).toBe(413);
    expect(over.headers['content-type']).toMatch(/^application\/json/);
    expect(over.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: expect.stringContaining('16kb'),
    });

    // At the limit the body is read, and refused for what it says (the name is too long).
    const at = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .send(sized(BODY_LIMIT));
    expect(at.status).toBe(400);
    expect(at.body.errors.map((e: { field: string }) => e.field)).toContain('name');

    // Before any authentication too: the public login route.
    const login = await t
      .http()
      .post(`${API}/session`)
      .set('Content-Type', 'application/json')
      .send(`{"username":"admin","password":"${'p'.repeat(BODY_LIMIT)}"}`);
    expect(login.status).toBe(413);
    expect(login.headers['content-type']).toMatch(/^application\/json/);
    expect(await writesSoFar(t)).toBe(before);
  });

  it('answers an oversized chunked body (no Content-Length) with a JSON 413', async () => {
    const connection = await open(port);
    const chunk = 'x'.repeat(4096);
    const head = [
      `POST ${API}/session HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
      'Connection: close',
      '',
      '',
    ].join('\r\n');
    connection.socket.write(head + `1\r\n{\r\n`);
    for (let i = 0; i < 5; i++)
      connection.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    connection.socket.end('0\r\n\r\n');
    await connection.closed;
    expect(statusLine(connection.received())).toBe('HTTP/1.1 413 Payload Too Large');
    expect(
      JSON.parse(bodyOf(connection.received()).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')),
    ).toMatchObject({
      statusCode: 413,
    });
  });

  it("answers a head over Node's header limit with 431 and keeps serving", async () => {
    const limit = headerLimit(server);
    const request = (headerBytes: number) =>
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: ${'a'.repeat(headerBytes)}\r\n\r\n`;

    const over = await open(port);
    over.socket.write(request(limit + 1));
    await over.closed;
    expect(statusLine(over.received())).toBe('HTTP/1.1 431 Request Header Fields Too Large');

    const under = await open(port);
    under.socket.write(request(limit - 200));
    await under.closed;
    expect(statusLine(under.received())).toBe('HTTP/1.1 200 OK');

    // The same through an ordinary client, on an authenticated route.
    const viaClient = await t
      .http()
      .get(`${API}/me`)
      .set('Authorization', `Bearer ${'x'.repeat(limit)}`);
    expect(viaClient.status).toBe(431);
    await t.http().get('/health').expect(200);
  });

  it(
    'cuts off a slow-loris client at headersTimeout while serving everyone else',
    async () => {
      const headersTimeout = server.headersTimeout;
      const checkEvery = (server as Server & { connectionsCheckingInterval?: number })
        .connectionsCheckingInterval;
      console.log(
        `HTTP server limits: headersTimeout=${headersTimeout} ms, requestTimeout=${server.requestTimeout} ms, ` +
          `connectionsCheckingInterval=${String(checkEvery)} ms, keepAliveTimeout=${server.keepAliveTimeout} ms, ` +
          `maxHeaderSize=${headerLimit(server)} bytes`,
      );
      // 0 would disable the protection altogether; Node's default is 60 s.
      expect(headersTimeout).toBeGreaterThan(0);
      expect(headersTimeout).toBeLessThanOrEqual(60_000);

      const slow = await open(port);
      const started = Date.now();
      const head = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'s'.repeat(10_000)}\r\n\r\n`;
      const state: { closedAt: number | null } = { closedAt: null };
      void slow.closed.then((at) => (state.closedAt = at));
      // Too slow to test the cut-off itself: still check that a trickling client blocks nobody.
      const watchFor = headersTimeout <= 15_000 ? Infinity : 3_000;
      if (headersTimeout > 15_000) {
        console.warn(
          `headersTimeout is ${headersTimeout} ms (above 15 s): only checking that it is at most 60 s ` +
            'and that a slow client blocks nobody; the cut-off itself is not waited for.',
        );
      }
      // One byte every 250 ms: the head would take about 40 minutes to arrive.
      const deadline = started + headersTimeout + (checkEvery ?? 30_000) + 5_000;
      let sent = 0;
      while (state.closedAt === null && Date.now() < deadline && Date.now() - started < watchFor) {
        if (!slow.socket.destroyed) slow.socket.write(head[sent++ % head.length]);
        await sleep(250);
        if (sent % 8 === 0) await t.http().get('/health').expect(200);
      }

      if (headersTimeout > 15_000) {
        slow.socket.destroy();
        return;
      }
      expect(state.closedAt).not.toBeNull();
      const elapsed = state.closedAt! - started;
      // Not before headersTimeout (minus a little scheduling slack); at the latest one check later.
      expect(elapsed).toBeGreaterThanOrEqual(headersTimeout - 500);
      expect(elapsed).toBeLessThanOrEqual(headersTimeout + (checkEvery ?? 30_000) + 2_000);
      expect(statusLine(slow.received())).toBe('HTTP/1.1 408 Request Timeout');
      console.log(`slow-loris client cut off after ${elapsed} ms having sent ${sent} bytes`);
      await t.http().get('/health').expect(200);
    },
    // headersTimeout (≤ 15 s here) + Node's connection check interval (30 s) + slack.
    70_000,
  );
});
