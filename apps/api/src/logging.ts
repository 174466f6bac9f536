import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig, LineSink } from '@pat/shared';
import { scrubbingSink } from '@pat/shared';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

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
        genReqId: (request: IncomingMessage, response: ServerResponse) => {
          const given = request.headers['x-request-id'];
          const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
        serializers: {
          req: (request: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
            id: request.id,
            method: request.method,
            // The query string is dropped: it is where misplaced credentials end up.
            url: request.url.split('?')[0],
            remoteAddress: request.remoteAddress,
          }),
        },
      },
      scrubbingSink(destination),
    ],
  });
}
