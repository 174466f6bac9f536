import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@pat/shared';
import { PinoLogger } from 'nestjs-pino';

export interface StartupBanner {
  readonly message: string;
  readonly fields: {
    readonly url: string;
    readonly eventStore: string;
    readonly readModel: string;
    readonly sessionStore: string;
    readonly signInLimits: string;
    readonly dataDir: string;
  };
}

/**
 * The one line an operator reads at start: where it serves, which store backs what and where
 * their data is. Connection strings lose their user, password and query (which may hold secrets).
 */
export function startupBanner(config: AppConfig, port: number): StartupBanner {
  const file = (name: string) => `SQLite ${join(config.dataDir, name)}`;
  const fields = {
    url: `http://${hostForUrl(config.host)}:${port}`,
    eventStore: config.eventStoreConnectionString
      ? `EventStoreDB ${withoutCredentials(config.eventStoreConnectionString)}`
      : file('events.sqlite'),
    readModel: config.mongodbUri
      ? `MongoDB ${withoutCredentials(config.mongodbUri)}`
      : file('read-model.sqlite'),
    sessionStore: config.mongodbUri
      ? `MongoDB ${withoutCredentials(config.mongodbUri)}`
      : file('sessions.sqlite'),
    signInLimits: config.redisUrl
      ? `Redis ${withoutCredentials(config.redisUrl)}`
      : "this process's memory",
    dataDir: config.dataDir,
  };
  const everywhere = isAnyAddress(config.host) ? ` on all interfaces (${config.host})` : '';
  return {
    message:
      `Personal Access Token service listening on ${fields.url}${everywhere} ` +
      `(event log: ${fields.eventStore}; ` +
      `read model: ${fields.readModel}; sessions: ${fields.sessionStore}; ` +
      `sign-in limits: ${fields.signInLimits})`,
    fields,
  };
}

/**
 * Logs the banner as a JSON line like every other. At info even when LOG_LEVEL is above it (warn,
 * error): where the service listens is worth one line at any level but silent.
 */
export function logStartupBanner(app: INestApplication, config: AppConfig): void {
  const address = (app.getHttpServer() as { address(): AddressInfo | string | null }).address();
  const port = address !== null && typeof address === 'object' ? address.port : config.port;
  const { message, fields } = startupBanner(config, port);
  const logger = PinoLogger.root.child(
    { context: 'Startup' },
    config.logLevel === 'silent' ? {} : { level: 'info' },
  );
  logger.info(fields, message);
}

/** 0.0.0.0 and :: are not addresses to browse to: the URL names this machine instead. */
function hostForUrl(host: string): string {
  if (isAnyAddress(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function isAnyAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

function withoutCredentials(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1').replace(/[?#].*$/, '');
}
