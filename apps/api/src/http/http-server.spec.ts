import { AddressInfo, connect } from 'node:net';
import { Server, createServer } from 'node:http';
import express from 'express';
import request from 'supertest';
import { limitConnections, requestDeadline } from './http-server';

/** The HTTP backstop and the per-connection limits, on real Express and node:http servers. */
describe('requestDeadline (the backstop behind the stores’ own deadlines)', () => {
  const app = express();
  app.use(requestDeadline(200, () => false));
  app.get('/slow', () => undefined); // never answers, like a request stuck on a frozen store
  app.post('/slow', () => undefined);
  app.get('/fast', (_req, res) => {
    res.json({ ok: true });
  });

  it('answers 503 with Retry-After when nothing else has answered in time', async () => {
    const started = Date.now();
    const response = await request(app).get('/slow').expect(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The request did not complete within 200 ms; try again shortly',
    });
  });

  it('tells the caller of a change that it may still take effect (no blind retry)', async () => {
    const response = await request(app).post('/slow').expect(503);
    expect(response.body.message).toMatch(/may still take effect/);
  });

  it('leaves answers given in time alone', async () => {
    await request(app).get('/fast').expect(200, { ok: true });
  });
});

describe('limitConnections', () => {
  let server: Server;
  let handled = 0;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      handled++;
      res.end('ok');
    });
    limitConnections(server, { maxInFlightPerConnection: 4, maxUnsentBytesPerConnection: 65536 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Writes `count` pipelined GETs at once; resolves with what came back when the socket ends. */
  const pipeline = (count: number) =>
    new Promise<{ answers: number; cut: boolean }>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      let cut = false;
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const answers = text.split('HTTP/1.1 200').length - 1;
        if (answers === count) socket.end();
      });
      socket.on('error', () => (cut = true));
      socket.on('close', () => resolve({ answers: text.split('HTTP/1.1 200').length - 1, cut }));
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(count));
    });

  it('answers a few pipelined requests as usual', async () => {
    handled = 0;
    expect(await pipeline(4)).toEqual({ answers: 4, cut: false });
    expect(handled).toBe(4);
  });

  it('cuts a connection that pipelines more, and runs none of its requests', async () => {
    handled = 0;
    const outcome = await pipeline(1000);
    expect(outcome.answers).toBe(0);
    expect(handled).toBe(0);
  });
});
