import { Controller, Get, Header, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CommandRunner, ProjectionRunner } from '@pat/application';
import type { RecordedEvent } from '@pat/event-store';
import { AuthModule, AuthenticationOutcomes, BEARER_OUTCOMES, Public } from '@pat/auth';
import { CLOCK, Clock } from '@pat/shared';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app (tests start many apps in one process). */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  // Business counters, from the events this instance appended (see CommandRunner.onAppended):
  // each event is counted once, by the instance that wrote it, never again on a replay.
  readonly tokensCreated = new Counter({
    name: 'tokens_created_total',
    help: 'Tokens created (TokenCreated events this instance appended)',
    registers: [this.registry],
  });
  readonly tokensRevoked = new Counter({
    name: 'tokens_revoked_total',
    help: 'Tokens revoked, by reason (TokenRevoked events this instance appended)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly usageRecords = new Counter({
    name: 'token_usage_records_total',
    help: 'Usage records written: TokenUsed and TokenRejected events this instance appended',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(
    @Inject(ProjectionRunner) private readonly projections: ProjectionRunner,
    @Inject(CommandRunner) private readonly commands: CommandRunner,
    @Inject(AuthenticationOutcomes) private readonly outcomes: AuthenticationOutcomes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    // Known label values from the start, so a rate() has a zero to begin from.
    this.tokensRevoked.inc({ reason: 'user' }, 0);
    this.tokensRevoked.inc({ reason: 'admin' }, 0);
    this.tokensRevoked.inc({ reason: 'user_deleted' }, 0);
    this.usageRecords.inc({ type: 'TokenUsed' }, 0);
    this.usageRecords.inc({ type: 'TokenRejected' }, 0);
    this.commands.onAppended((events) => this.countAppended(events));
    const outcomes = this.outcomes;
    new Counter({
      name: 'token_authentications_total',
      help: 'Bearer token authentications by outcome (ok, invalid, expired, revoked, unavailable)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        // Counted on the request path as plain numbers (libs/auth); copied here when scraped.
        this.reset();
        for (const outcome of BEARER_OUTCOMES) this.inc({ outcome }, outcomes.count(outcome));
      },
    });
    const projections = this.projections;
    const clock = this.clock;
    // One read of the log per scrape serves both lag gauges.
    let lag: ReturnType<ProjectionRunner['lag']> | null = null;
    const currentLag = () => (lag ??= projections.lag(clock.now()).finally(() => (lag = null)));
    new Gauge({
      name: 'projection_lag_events',
      help: 'Events in the log the read-model projection has not applied yet (counted up to 10000)',
      registers: [this.registry],
      async collect() {
        this.set((await currentLag()).events);
      },
    });
    new Gauge({
      name: 'projection_lag_seconds',
      help: 'Seconds since the oldest event the read-model projection has not applied yet occurred',
      registers: [this.registry],
      async collect() {
        this.set((await currentLag()).seconds);
      },
    });
    new Gauge({
      name: 'projection_events_processed',
      help: 'Events the read-model projection applied since start',
      registers: [this.registry],
      collect() {
        this.set(projections.status().processed);
      },
    });
    new Gauge({
      name: 'projection_caught_up',
      help: '1 when the read model has caught up with the event log',
      registers: [this.registry],
      collect() {
        this.set(projections.status().caughtUp ? 1 : 0);
      },
    });
  }

  private countAppended(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (event.type === 'TokenCreated') this.tokensCreated.inc();
      else if (event.type === 'TokenRevoked') {
        const reason = (event.data as { reason?: unknown }).reason;
        this.tokensRevoked.inc({ reason: typeof reason === 'string' ? reason : 'unknown' });
      } else if (event.type === 'TokenUsed' || event.type === 'TokenRejected') {
        this.usageRecords.inc({ type: event.type });
      }
    }
  }

  /** Express middleware: counts every request once it has been answered. */
  middleware() {
    return (request: Request, response: Response, next: NextFunction) => {
      const end = this.duration.startTimer();
      response.on('finish', () => {
        // The route pattern, not the URL: ids must not become label values.
        const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
        const labels = { method: request.method, route: `${request.baseUrl}${route}` };
        end(labels);
        this.requests.inc({ ...labels, status: String(response.statusCode) });
      });
      next();
    };
  }
}

@ApiExcludeController()
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
