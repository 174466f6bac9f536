import type { Server } from 'node:http';
import {
  DynamicModule,
  INestApplication,
  Logger as NestLogger,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  CommandRunner,
  DocumentProjectionRunner,
  LogBindingCheck,
  ProcessManagerRunner,
  ProjectionRunner,
  StoreHealth,
} from '@pat/application';
import { BootstrapAdminService } from '@pat/identity';
import { RetiredTokenPrefixes } from '@pat/tokens';
import { AppConfig, Clock, LineSink, systemClock } from '@pat/shared';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ServedHosts, isLoopback, servedHostsOnly } from './http/allowed-hosts';
import { useJsonBodies } from './http/body-parsing';
import { stringCookies } from './http/cookies';
import {
  applyServerTimeouts,
  CONNECTION_LIMITS,
  limitConnections,
  requestDeadline,
  TimedExpressAdapter,
} from './http/http-server';
import { sameOriginForUnsafeMethods } from './http/same-origin';
import { useWebUi } from './http/web-ui';
import { Metrics } from './metrics/metrics';
import { mcpOriginCheck } from './mcp/origin-check';
import { serveOpenApiDocument } from './openapi';

export const API_PREFIX = 'api/v1';
/** The request backstop fires this long after a store call would have been given up. */
const REQUEST_DEADLINE_MARGIN_MS = 1000;

export interface CreateAppOptions {
  readonly config: AppConfig;
  readonly clock?: Clock;
  /** Where log lines go (stdout by default); tests capture them to search for secrets. */
  readonly logDestination?: LineSink;
  /** Tests turn the process managers off to simulate a crash between an event and its reactions. */
  readonly processManagers?: boolean;
  /** More Nest modules to mount (the benchmarks add their comparison routes this way). */
  readonly extraModules?: Array<Type | DynamicModule>;
}

/**
 * Builds the whole HTTP application: used by main.ts and, unchanged, by the end-to-end tests.
 * Resolves once the read model has caught up with the event log and the first administrator
 * exists, so the app never serves from a half-built read model.
 */
export async function createApp(options: CreateAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      config: options.config,
      clock: options.clock ?? systemClock,
      logDestination: options.logDestination,
      extraModules: options.extraModules,
    }),
    new TimedExpressAdapter(),
    // A store that cannot be opened rejects here with its one-line message (see main.ts): no
    // exit from inside Nest, and its stack-trace log stays in the buffer, which is never printed.
    { bodyParser: false, bufferLogs: true, abortOnError: false, autoFlushLogs: false },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  if (options.config.trustProxy) app.set('trust proxy', trustProxyValue(options.config.trustProxy));
  const server: Server = app.getHttpServer();
  applyServerTimeouts(server);
  limitConnections(server, CONNECTION_LIMITS);
  const hosts = new ServedHosts(options.config.allowedHosts, options.config.host, () => {
    const address = server.address();
    return address !== null && typeof address === 'object' ? address.port : null;
  });
  if (options.config.allowedHosts.length === 0 && !isLoopback(options.config.host)) {
    new NestLogger('AllowedHosts').warn(
      `Bound to ${options.config.host} with ALLOWED_HOSTS unset: any Host is served. ` +
        'Set ALLOWED_HOSTS to the names clients use, which closes DNS rebinding.',
    );
  }
  app.use(app.get(Metrics).middleware());
  // Answers under /api/v1 and /mcp carry secrets or who-may-do-what: never cached, errors too.
  app.use([`/${API_PREFIX}`, '/mcp'], noStore);
  const commands = app.get(CommandRunner);
  app.use(
    requestDeadline(options.config.storeTimeoutMs + REQUEST_DEADLINE_MARGIN_MS, (context) =>
      commands.answeredEarly(context),
    ),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          // Deployments on plain HTTP (loopback, internal networks) must still load their assets.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  // Before routing, before anything else reads the request: a Host not served is refused.
  app.use(servedHostsOnly(hosts));
  app.use(sameOriginForUnsafeMethods(hosts));
  app.use('/mcp', mcpOriginCheck(options.config.mcpAllowedOrigins, hosts));
  useJsonBodies(app);
  app.use(stringCookies());
  useWebUi(app);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'mcp', method: RequestMethod.ALL },
      // MCP clients' Dynamic Client Registration fallback (apps/api/src/mcp/no-oauth.controller.ts).
      { path: 'register', method: RequestMethod.POST },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  serveOpenApiDocument(app, { tokenPrefix: options.config.tokenPrefix });

  try {
    await app.init();
    // Before anything reads the read model or projects into it: is it this log's?
    await app.get(LogBindingCheck).verify();
    await app.get(ProjectionRunner).start();
    // Not awaited to the end of its catch-up: nothing on the authentication path reads it.
    await app.get(DocumentProjectionRunner).start();
    app.get(StoreHealth).start();
    await app.get(BootstrapAdminService).ensureAdministrator();
    await app.get(RetiredTokenPrefixes).report();
    if (options.processManagers !== false) await app.get(ProcessManagerRunner).start();
  } catch (error) {
    // A refused start closes the stores it opened (the embedded read model's lock, say).
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}

function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
