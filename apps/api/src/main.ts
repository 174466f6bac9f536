import { ConfigurationError, loadConfig } from '@pat/shared';
import { createApp } from './app';
import { checkListenAddress, listenAddressError } from './http/listen-address';
import { logStartupBanner } from './startup-banner';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // A HOST that names nothing is told before the stores are opened and waited for.
  await checkListenAddress(config.host, config.port);
  const app = await createApp({ config });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host).catch((error: unknown) => {
    throw listenAddressError(error, config.host, config.port) ?? error;
  });
  logStartupBanner(app, config);
}

main().catch((error: unknown) => {
  // One clear line, not a stack trace, for what an operator can fix.
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    // Store start-up errors (StoreStartupError, EventLogDamagedError, ReadModelDamagedError, a
    // log binding refused) carry the whole line: the file, what is wrong, what to do.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Failed to start: ${message.replace(/\s+/g, ' ').trim()}\n`);
  }
  process.exit(1);
});
