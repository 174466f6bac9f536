import { Controller, Get, Header, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ProjectionRunner } from '@pat/application';
import { Public } from '@pat/auth';
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

  constructor(@Inject(ProjectionRunner) private readonly projections: ProjectionRunner) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    const projections = this.projections;
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

@Module({ controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
