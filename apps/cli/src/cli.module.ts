import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LogBindingCheck } from '@pat/application';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '@pat/audit';
import { AuthModule } from '@pat/auth';
import { BackendsModule } from '@pat/backends';
import { IdentityModule } from '@pat/identity';
import { AppConfig, loadConfig, systemClock } from '@pat/shared';
import { TokensModule } from '@pat/tokens';

/** The same domain modules and backends as the API, without HTTP. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        BackendsModule.forRoot(config, systemClock, { readModelOnFirstUse: true }),
        CqrsModule.forRoot(),
        AuthModule,
        IdentityModule,
        TokensModule,
        AuditModule,
      ],
    };
  }
}

/**
 * Before a command writes the read model (or appends and projects inline): the same check as the
 * API's start, so the CLI never writes one log's events into another log's read model.
 */
export async function verifyLogBinding(context: INestApplicationContext): Promise<void> {
  await context.get(LogBindingCheck).verify();
}

/** Opens the stores the environment names (as the API would), runs `work`, closes them. */
export async function withContext<T>(
  work: (context: INestApplicationContext, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig(process.env);
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
    // A store that cannot be opened rejects with its one-line message (main.ts prints it); the
    // stack trace Nest logs for it stays in the buffer, never printed.
    abortOnError: false,
    bufferLogs: true,
    autoFlushLogs: false,
  });
  context.flushLogs();
  try {
    return await work(context, config);
  } finally {
    await context.close();
  }
}
