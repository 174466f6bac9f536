import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { API, TestApp, bearer, createToken, signIn, startTestApp } from '../support/test-app';

/**
 * The HTTP hardening of issue 14, over real sockets: the Host allow-list (DNS rebinding), Origin
 * checks against the served hosts, no-store on API answers, damaged compressed bodies, cookies
 * in cookie-parser's j: form, the header timeout actually enforced, and DELETE /mcp.
 */

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request with the body bytes exactly as given (supertest would re-encode a Buffer). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, Connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const mcpHeaders = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
};

const refusedHost = (host: string) => ({
  statusCode: 403,
  error: 'Forbidden',
  message: `Host "${host}" is not served here (ALLOWED_HOSTS)`,
});

// First in the file: nestjs-pino sends lines logged outside a request (this start-up warning)
// to the first app's destination in the process.
describe('Bound to all interfaces with ALLOWED_HOSTS unset', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { HOST: '0.0.0.0' } });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('serves any Host, keeps comparing Origin with the Host, and warns once at start', async () => {
    await t.http().get('/health').set('Host', 'anything.example').expect(200);
    const warnings = t.logs.filter((line) => line.includes('ALLOWED_HOSTS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('0.0.0.0');
    await t
      .http()
      .post(`${API}/session`)
      .set({ Host: 'anything.example', Origin: 'http://anything.example' })
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(200);
    await t
      .http()
      .post(`${API}/session`)
      .set({ Host: 'anything.example', Origin: 'http://other.example' })
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(403);
  });
});

describe('Bound to loopback with ALLOWED_HOSTS unset', () => {
  let t: TestApp;
  let port: number;
  let admin: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
    admin = await signIn(t);
    token = (await createToken(t, admin)).token;
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('refuses a foreign Host with a matching Origin for sign-in, token creation, /mcp and everything else', async () => {
    const foreign = `rebound.example:${port}`;
    const headers = { Host: foreign, Origin: `http://${foreign}` };

    const session = await t
      .http()
      .post(`${API}/session`)
      .set(headers)
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(403);
    expect(session.body).toEqual(refusedHost(foreign));
    expect(session.headers['set-cookie']).toBeUndefined();

    const tokens = await t
      .http()
      .post(`${API}/me/tokens`)
      .set(headers)
      .set('Cookie', admin)
      .send({ name: 'rebound', expiresInDays: 7 })
      .expect(403);
    expect(tokens.body).toEqual(refusedHost(foreign));

    const mcp = await t
      .http()
      .post('/mcp')
      .set(headers)
      .set(mcpHeaders)
      .set(bearer(token))
      .send(listTools)
      .expect(403);
    expect(mcp.body).toEqual(refusedHost(foreign));

    expect((await t.http().get('/health').set('Host', foreign).expect(403)).body).toEqual(
      refusedHost(foreign),
    );
    expect((await t.http().get('/').set('Host', foreign)).status).toBe(403);
    // A loopback name at another port is not this server either.
    await t
      .http()
      .get('/health')
      .set('Host', `localhost:${port === 1 ? 2 : 1}`)
      .expect(403);
    // Nothing was created by the refused requests.
    const list = await t.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200);
    expect(list.body.map((v: { name: string }) => v.name)).not.toContain('rebound');
  });

  it('serves the loopback names at its port, and compares Origin with them', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      await t.http().get('/health').set('Host', host).expect(200);
    }
    // Signed in through one loopback name, the page of another is the same server.
    await t
      .http()
      .post(`${API}/session`)
      .set({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` })
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(200);
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set({ Host: `127.0.0.1:${port}`, Origin: `http://localhost:${port}` })
      .set('Cookie', admin)
      .send({ name: 'loopback-page', expiresInDays: 7 })
      .expect(201);
    const mcp = await t
      .http()
      .post('/mcp')
      .set({ Host: `127.0.0.1:${port}`, Origin: `http://[::1]:${port}` })
      .set(mcpHeaders)
      .set(bearer(token))
      .send(listTools);
    expect(mcp.status).toBe(200);
    // An Origin that is not a served host is cross-site, whatever the Host.
    const cross = await t
      .http()
      .post(`${API}/me/tokens`)
      .set({ Host: `127.0.0.1:${port}`, Origin: `http://rebound.example:${port}` })
      .set('Cookie', admin)
      .send({ name: 'cross', expiresInDays: 7 })
      .expect(403);
    expect(cross.body.message).toContain('Cross-site');
  });

  it('answers every /api/v1 and /mcp response with Cache-Control: no-store, errors included', async () => {
    const created = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .send({ name: 'no-store', expiresInDays: 7 })
      .expect(201);
    expect(created.body.token).toMatch(/^tgp_/);
    expect(created.headers['cache-control']).toBe('no-store');

    const unauthenticated = await t.http().get(`${API}/me`).expect(401);
    expect(unauthenticated.headers['cache-control']).toBe('no-store');
    const badToken = await t.http().get(`${API}/me`).set(bearer('tgp_nope')).expect(401);
    expect(badToken.headers['cache-control']).toBe('no-store');
    const missing = await t.http().get(`${API}/no-such-route`).set('Cookie', admin).expect(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    const invalid = await t.http().post(`${API}/session`).send({}).expect(400);
    expect(invalid.headers['cache-control']).toBe('no-store');
    const mcp = await t.http().post('/mcp').set(mcpHeaders).set(bearer(token)).send(listTools);
    expect(mcp.status).toBe(200);
    expect(mcp.headers['cache-control']).toBe('no-store');
    const mcpUnauthenticated = await t.http().post('/mcp').set(mcpHeaders).send(listTools);
    expect(mcpUnauthenticated.status).toBe(401);
    expect(mcpUnauthenticated.headers['cache-control']).toBe('no-store');
  });

  it('answers damaged compressed bodies with 400 naming the problem, and unknown encodings 415', async () => {
    const login = Buffer.from(JSON.stringify({ username: 'admin', password: 'wrong-password' }));
    const gzipped = gzipSync(login);
    const damaged: Array<[string, Buffer]> = [
      ['gzip', Buffer.from('this is not gzip at all')],
      ['gzip', gzipped.subarray(0, gzipped.length - 8)],
      ['gzip', gzipped.subarray(0, 10)],
      ['gzip', Buffer.alloc(0)],
      ['deflate', Buffer.from('this is not deflate')],
      ['deflate', deflateSync(login).subarray(0, 5)],
      ['br', Buffer.from('this is not brotli!')],
      ['br', brotliCompressSync(login).subarray(0, 4)],
    ];
    for (const [encoding, body] of damaged) {
      const answer = await send(
        port,
        'POST',
        `${API}/session`,
        { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      );
      expect({ encoding, bytes: body.length, status: answer.status }).toEqual({
        encoding,
        bytes: body.length,
        status: 400,
      });
      expect(JSON.parse(answer.body)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `The request body could not be decompressed (Content-Encoding "${encoding}"): it is damaged or truncated`,
      });
    }
    // Well-formed compressed bodies are read (and the password is then checked).
    for (const [encoding, body] of [
      ['gzip', gzipped],
      ['deflate', deflateSync(login)],
      ['br', brotliCompressSync(login)],
    ] as const) {
      const answer = await send(
        port,
        'POST',
        `${API}/session`,
        { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      );
      expect({ encoding, status: answer.status }).toEqual({ encoding, status: 401 });
    }
    const zstd = await send(
      port,
      'POST',
      `${API}/session`,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' },
      login,
    );
    expect(zstd.status).toBe(415);
    expect(JSON.parse(zstd.body)).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'Content-Encoding "zstd" is not supported (gzip, deflate, br or none)',
    });
  });

  it("answers a session cookie in cookie-parser's j: JSON form with 401", async () => {
    for (const value of ['j:{}', 'j:[]', 'j:{"id":"x"}', 'j:null', 'j:1', 'j:']) {
      const answer = await t
        .http()
        .get(`${API}/me`)
        .set('Cookie', `pat_session=${encodeURIComponent(value)}`);
      expect({ value, status: answer.status }).toEqual({ value, status: 401 });
      const raw = await t.http().get(`${API}/me`).set('Cookie', `pat_session=${value}`);
      expect({ value, status: raw.status }).toEqual({ value, status: 401 });
    }
    // A real session next to junk cookies still works.
    await t.http().get(`${API}/me`).set('Cookie', `theme=j:{}; ${admin}; __proto__=x`).expect(200);
  });

  it('answers GET and DELETE /mcp with 405 and Allow: POST, with a token or without', async () => {
    for (const method of ['get', 'delete'] as const) {
      for (const credential of [bearer(token), {}]) {
        const answer = await t.http()[method]('/mcp').set(credential).expect(405);
        expect(answer.headers.allow).toBe('POST');
        expect(answer.headers['cache-control']).toBe('no-store');
        expect(answer.body.error.message).toContain('stateless');
      }
    }
    // A foreign Origin is still refused before anything else.
    await t.http().delete('/mcp').set('Origin', 'https://evil.example').expect(403);
  });

  it('cuts off a header trickled one byte per 0.5 s within 12 s', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    const head = `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: ${'s'.repeat(100)}\r\n\r\n`;
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < head.length) socket.write(head[sent++]);
    }, 500);
    let giveUp: NodeJS.Timeout | undefined;
    const closedAt = await Promise.race([
      closed,
      new Promise<null>((resolve) => (giveUp = setTimeout(() => resolve(null), 15_000))),
    ]);
    clearTimeout(giveUp);
    clearInterval(trickle);
    socket.destroy();
    expect(closedAt).not.toBeNull();
    const elapsed = closedAt! - started;
    console.log(`trickled header cut off after ${elapsed} ms, ${sent} bytes sent`);
    expect(elapsed).toBeLessThan(12_000);
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  }, 20_000);
});

describe('ALLOWED_HOSTS=app.example.com', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      env: { ALLOWED_HOSTS: 'app.example.com', MCP_ALLOWED_ORIGINS: 'https://agent.example' },
    });
    await t.app.listen(0, '127.0.0.1');
    port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('serves that Host at any port and refuses the loopback names', async () => {
    await t.http().get('/health').set('Host', 'app.example.com').expect(200);
    await t.http().get('/health').set('Host', 'APP.example.com:8443').expect(200);
    const session = await t
      .http()
      .post(`${API}/session`)
      .set({ Host: 'app.example.com', Origin: 'https://app.example.com' })
      .send({ username: 'admin', password: 'admin-password-1' })
      .expect(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0];

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'evil.example']) {
      expect((await t.http().get('/health').set('Host', host).expect(403)).body).toEqual(
        refusedHost(host),
      );
    }
    // The Origin must be the served host: the request's own Host does not make it so.
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set({ Host: 'app.example.com', Origin: 'https://elsewhere.example' })
      .set('Cookie', cookie)
      .send({ name: 'cross', expiresInDays: 7 })
      .expect(403);
    const created = await t
      .http()
      .post(`${API}/me/tokens`)
      .set({ Host: 'app.example.com', Origin: 'https://app.example.com' })
      .set('Cookie', cookie)
      .send({ name: 'app', expiresInDays: 7 })
      .expect(201);

    // /mcp: the served hosts and MCP_ALLOWED_ORIGINS.
    const mcp = (origin: string) =>
      t
        .http()
        .post('/mcp')
        .set({ Host: 'app.example.com', Origin: origin })
        .set(mcpHeaders)
        .set(bearer(created.body.token))
        .send(listTools);
    expect((await mcp('https://app.example.com')).status).toBe(200);
    expect((await mcp('https://agent.example')).status).toBe(200);
    expect((await mcp('https://elsewhere.example')).status).toBe(403);
  });
});
