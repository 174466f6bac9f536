import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@pat/auth';
import type { AppConfig, LineSink } from '@pat/shared';
import { REDACTED, scrubClientValue, scrubbingSink } from '@pat/shared';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { LogFn, Logger as PinoInstance } from 'pino';

/** How much of a client's own X-Request-Id the request's log line keeps. */
const CLIENT_REQUEST_ID_MAX_LENGTH = 64;
/** A path no route matched is logged cut to this (the line stays small whatever was asked). */
const UNMATCHED_PATH_MAX_LENGTH = 128;
/**
 * Enough for any challenge this service sends (the longest is about 120 characters); a longer one
 * is cut, so that a 401's line stays under 600 bytes with every other field at its longest.
 */
const CHALLENGE_MAX_LENGTH = 200;

/** Credentials by path, wherever a headers object is logged (the request line logs none). */
const CREDENTIAL_PATHS = ['authorization', 'cookie', '["set-cookie"]'].flatMap((header) => [
  `headers.${header}`,
  `*.headers.${header}`,
]);

/**
 * Nest's start-up chatter: a line per module and per route mapped (about 80), which drowns the
 * one start-up line an operator needs (see startup-banner.ts). Logged at debug instead.
 */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);
const INFO = 30;

/**
 * Structured JSON logs (pino), one JSON object a line whatever they hold. Credentials are removed
 * twice over: by path (Authorization, cookies, Set-Cookie) and by shape (any token-like string in
 * any value of the line, see scrubLogLine, which keeps the line valid JSON).
 */
export function loggerModule(config: AppConfig, destination: LineSink = process.stdout) {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: [
      {
        level: config.logLevel,
        redact: { paths: [...CREDENTIAL_PATHS, 'req.body.password'], censor: REDACTED },
        hooks: { logMethod: nestBootChatterAtDebug },
        // Always the server's own: the request id goes into event metadata, and a client's
        // value there could carry anything (a token, a forged correlation with another request).
        genReqId: (_request: IncomingMessage, response: ServerResponse) => {
          const id = randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
        customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
        // Lines logged during a request carry its id only; the request line below says the rest.
        quietReqLogger: true,
        quietResLogger: true,
        customLogLevel: (_request, response, error) =>
          error || response.statusCode >= 500 ? 'error' : 'info',
        customSuccessObject: (request, response, fields: { durationMs: number }) =>
          requestLine(request, response, fields.durationMs),
        customErrorObject: (request, response, error, fields: { durationMs: number }) => ({
          ...requestLine(request, response, fields.durationMs),
          // pino-http's stand-in for a 5xx says only the status; the cause is logged on its own
          // line, with the same requestId.
          ...(error.message === `failed with status code ${response.statusCode}`
            ? {}
            : { error: error.message }),
        }),
        customErrorMessage: () => 'request failed',
      },
      scrubbingSink(destination),
    ],
  });
}

/**
 * The one line per request: what was asked (method and route pattern: no ids, no query string,
 * which is where misplaced credentials end up), the answer, how long it took, and who asked.
 * No headers: the response's were a kilobyte a line. A 401 keeps its challenge, which says why
 * (error_description).
 */
export function requestLine(
  request: IncomingMessage,
  response: ServerResponse,
  durationMs: number,
): Record<string, unknown> {
  const { user: principal, ip } = request as IncomingMessage & { user?: Principal; ip?: string };
  const challenge = response.getHeader('www-authenticate');
  return {
    method: request.method,
    ...routeOf(request),
    status: response.statusCode,
    durationMs,
    // Express's req.ip: the client's address, through TRUST_PROXY's proxies when configured.
    ip: ip ?? request.socket?.remoteAddress,
    ...(principal ? { userId: principal.userId } : {}),
    ...(principal?.tokenId ? { tokenId: principal.tokenId } : {}),
    ...clientRequestId(request.headers['x-request-id']),
    ...(typeof challenge === 'string'
      ? { wwwAuthenticate: challenge.slice(0, CHALLENGE_MAX_LENGTH) }
      : {}),
  };
}

/** The matched route's pattern (/api/v1/me/tokens/:id); the bare path when none matched. */
function routeOf(request: IncomingMessage): { route: string } | { path: string } {
  const express = request as IncomingMessage & {
    route?: { path?: unknown };
    baseUrl?: string;
    originalUrl?: string;
  };
  if (typeof express.route?.path === 'string') {
    return { route: `${express.baseUrl ?? ''}${express.route.path}` };
  }
  const url = express.originalUrl ?? request.url ?? '';
  return { path: url.split('?')[0].slice(0, UNMATCHED_PATH_MAX_LENGTH) };
}

/** The client's own X-Request-Id, for correlating with its logs: scrubbed and cut, never the id. */
function clientRequestId(given: string | string[] | undefined): { clientRequestId?: string } {
  const value = Array.isArray(given) ? given[0] : given;
  if (typeof value !== 'string' || value === '') return {};
  return { clientRequestId: scrubClientValue(value, CLIENT_REQUEST_ID_MAX_LENGTH) };
}

function nestBootChatterAtDebug(
  this: PinoInstance,
  args: Parameters<LogFn>,
  method: LogFn,
  level: number,
): void {
  const [first] = args as unknown[];
  const context =
    first !== null && typeof first === 'object' ? (first as { context?: unknown }).context : null;
  if (level === INFO && typeof context === 'string' && NEST_BOOT_CONTEXTS.has(context)) {
    // Nothing is written when debug is off; otherwise this comes back here at debug level.
    this.debug(...args);
    return;
  }
  method.apply(this, args);
}
