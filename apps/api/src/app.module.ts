import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { PROCESS_MANAGERS, ProcessManagerRunner } from '@pat/application';
import { AuditModule } from '@pat/audit';
import { AuthModule, AuthenticationGuard } from '@pat/auth';
import { BackendsModule, DocumentsModule } from '@pat/backends';
import { IdentityModule, UserDeletionProcessManager } from '@pat/identity';
import type { AppConfig, Clock, LineSink } from '@pat/shared';
import { TokenCountsModule, TokensModule, tokenCountsReadModel } from '@pat/tokens';
import { HealthController } from './health/health.controller';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { StrictValidationPipe } from './http/validation.pipe';
import { loggerModule } from './logging';
import { McpModule } from './mcp/mcp.module';
import { MetricsModule } from './metrics/metrics';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly logDestination?: LineSink;
  readonly extraModules?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggerModule(options.config, options.logDestination),
        BackendsModule.forRoot(options.config, options.clock),
        // The read models on the document store: each one folder of its context, listed here.
        DocumentsModule.forRoot(options.config, [tokenCountsReadModel]),
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        AuthModule,
        IdentityModule,
        TokensModule,
        TokenCountsModule,
        AuditModule,
        McpModule,
        MetricsModule,
        ...(options.extraModules ?? []),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        {
          provide: PROCESS_MANAGERS,
          useFactory: (userDeletion: UserDeletionProcessManager) => [userDeletion],
          inject: [UserDeletionProcessManager],
        },
        ProcessManagerRunner,
      ],
    };
  }
}
