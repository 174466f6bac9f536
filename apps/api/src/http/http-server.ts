import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { CommandContext, formatDuration } from '@pat/shared';
import { RecordedButNotVisibleError } from '@pat/application';
import { existingCommandContextOf } from '@pat/auth';

/**
 * Limits on what one connection may cost (issue 13). A client that pipelines requests and never
 * reads its answers would otherwise make the server buffer every response in memory, and run
 * every request, however many it sent.
 */
export interface ConnectionLimits {
  /** Requests of one connection received but not yet answered (HTTP pipelining); beyond: cut. */
  readonly maxInFlightPerConnection: number;
  /** Bytes of answers the client has not taken yet; beyond: cut. */
  readonly maxUnsentBytesPerConnection: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  // Browsers do not pipeline; a client that does gets a few requests in flight, not thousands.
  maxInFlightPerConnection: 16,
  maxUnsentBytesPerConnection: 1024 * 1024,
};

/** Slow or oversized requests are cut off (Node's own limit on header size is 16 kB → 431). */
export const SERVER_TIMEOUTS = {
  /** The whole header must have arrived this long after the request began. */
  headersTimeout: 10_000,
  /** The whole request, body included. */
  requestTimeout: 30_000,
  /**
   * How often Node looks for requests past those limits. Its default, 30 s, let a header trickled
   * a byte at a time hold a socket for up to 40 s; at 0.5 s the limits hold to within that.
   */
  connectionsCheckingInterval: 500,
} as const;

/**
 * Nest's Express adapter, with the HTTP server created with SERVER_TIMEOUTS: the checking
 * interval can only be given when the server is created (HTTPS and forceCloseConnections,
 * unused here, keep Nest's own server and get the timeouts without the short interval).
 */
export class TimedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    this.httpServer = createServer({ ...SERVER_TIMEOUTS }, this.getInstance());
  }
}

/** Node's own timeouts: slow or idle clients are cut off instead of holding sockets for ever. */
export function applyServerTimeouts(server: Server): void {
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeout;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeout;
  // No byte in either direction for this long (e.g. a client that stopped reading): cut.
  server.timeout = 30_000;
}

/**
 * Puts a gate in front of the app's request handlers: a request whose connection already has
 * `maxInFlightPerConnection` unanswered requests, or more than `maxUnsentBytesPerConnection`
 * bytes waiting to be sent, destroys the connection instead of being handled. Requests that
 * arrive (pipelined, in the same packet) on a connection already cut are dropped unhandled, so a
 * flood costs almost nothing and its buffers are freed with the socket. Requests already running
 * finish; their answers go nowhere.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const handlers = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  server.removeAllListeners('request');
  server.on('connection', stopParsingOnceCut);
  const inFlight = new WeakMap<Socket, number>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (socket.destroyed) return;
    const count = (inFlight.get(socket) ?? 0) + 1;
    if (
      count > limits.maxInFlightPerConnection ||
      socket.writableLength > limits.maxUnsentBytesPerConnection
    ) {
      socket.destroy();
      return;
    }
    inFlight.set(socket, count);
    res.once('close', () => inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1));
    // Handled on the next turn: a packet of pipelined requests is parsed all at once, so by
    // then a connection that sent too many is already cut, and none of its requests is run.
    setImmediate(() => {
      if (socket.destroyed) return;
      for (const handler of handlers) handler.call(server, req, res);
    });
  });
}

/**
 * The backstop behind the stores' own deadlines: a request still unanswered after `timeoutMs`
 * gets a 503 with Retry-After. A change may still complete after that, so the answer to an unsafe
 * method says its outcome is unknown rather than inviting a blind retry.
 */
export function requestDeadline(
  timeoutMs: number,
  /** True when the request's change is already in the log (and is then held in force). */
  answeredEarly: (context: CommandContext) => boolean,
): RequestHandler {
  const after = formatDuration(timeoutMs);
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded || res.destroyed) return;
      const safe = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
      // A change already in the log is answered as such: it happened, and is in force.
      const context = existingCommandContextOf(req);
      const recorded = context !== undefined && answeredEarly(context);
      res.setHeader('Retry-After', '5');
      res.setHeader('Cache-Control', 'no-store');
      res.status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: recorded
          ? new RecordedButNotVisibleError('(this request)').message
          : safe
            ? `The request did not complete within ${after}; try again shortly`
            : `The request did not complete within ${after}; it may still take effect, ` +
              'so check its result before repeating it',
      });
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** What Node's HTTP parser callback returns to stop parsing the packet ("upgrade": no more). */
const STOP_PARSING = 2;

/**
 * Node parses every request of a packet before the first is handled, so a cut connection still
 * costs one read buffer of pipelined requests (hundreds of request objects). Once the socket is
 * cut, this tells the parser to stop at the next request. It uses Node's parser object
 * (`socket.parser.onIncoming`, Node 18–22); where that is absent, the gate above still drops
 * the requests, only later.
 */
function stopParsingOnceCut(socket: Socket): void {
  const parser = (socket as Socket & { parser?: { onIncoming?: unknown } }).parser;
  const onIncoming = parser?.onIncoming;
  if (!parser || typeof onIncoming !== 'function') return;
  parser.onIncoming = function (this: unknown, ...args: unknown[]): unknown {
    if (socket.destroyed) return STOP_PARSING;
    return (onIncoming as (...a: unknown[]) => unknown).apply(this, args);
  };
}
