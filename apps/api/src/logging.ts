import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig, LineSink } from '@pat/shared';
import { scrubClientValue, scrubbingSink } from '@pat/shared';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

/** How much of a client's own X-Request-Id the request's log line keeps. */
const CLIENT_REQUEST_ID_MAX_LENGTH = 64;

/**
 * Structured JSON logs (pino). Credentials are removed twice over: by path (Authorization,
 * cookies, Set-Cookie) and by shape (any token-like string anywhere in the line).
 */
export function loggerModule(config: AppConfig, destination: LineSink = process.stdout) {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: [
      {
        level: config.logLevel,
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'res.headers["set-cookie"]',
            'req.body.password',
          ],
          censor: '[REDACTED]',
        },
        // Always the server's own: the request id goes into event metadata, and a client's
        // value there could carry anything (a token, a forged correlation with another request).
        genReqId: (_request: IncomingMessage, response: ServerResponse) => {
          const id = randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
        serializers: {
          req: (request: {
            id: unknown;
            method: string;
            url: string;
            remoteAddress?: string;
            headers?: IncomingMessage['headers'];
          }) => ({
            id: request.id,
            method: request.method,
            // The query string is dropped: it is where misplaced credentials end up.
            url: request.url.split('?')[0],
            remoteAddress: request.remoteAddress,
            ...clientRequestId(request.headers?.['x-request-id']),
          }),
        },
      },
      scrubbingSink(destination),
    ],
  });
}

/** The client's own X-Request-Id, for correlating with its logs: scrubbed and cut, never the id. */
function clientRequestId(given: string | string[] | undefined): { clientRequestId?: string } {
  const value = Array.isArray(given) ? given[0] : given;
  if (typeof value !== 'string' || value === '') return {};
  return { clientRequestId: scrubClientValue(value, CLIENT_REQUEST_ID_MAX_LENGTH) };
}
