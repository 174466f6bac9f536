import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@pat/shared';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ProjectionRunner, StoreHealth } from '@pat/application';
import { Public, SESSION_STORE, SessionStore } from '@pat/auth';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, ReadModel } from '@pat/read-model';

const PING_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error('timed out')), PING_TIMEOUT_MS).unref(),
    ),
  ]);
}

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly projections: ProjectionRunner,
    private readonly stores: StoreHealth,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(SESSION_STORE) private readonly sessionStore: SessionStore,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ operationId: 'checkLiveness', summary: 'Liveness: the process answers' })
  @ApiErrors(403)
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    operationId: 'checkReadiness',
    summary: 'Readiness: stores reachable, projection running and caught up',
  })
  @ApiErrors(403)
  ready() {
    return this.health.check([
      () => this.eventLog(),
      () => this.ping('readModel', () => this.readModel.ping()),
      () => this.ping('sessionStore', () => this.sessionStore.ping()),
      () => {
        const status = this.projections.status();
        const indicator = this.indicators.check('projection');
        const details = {
          caughtUp: status.caughtUp,
          position: status.position,
          processed: status.processed,
          lastError: status.lastError,
        };
        return status.running && status.caughtUp ? indicator.up(details) : indicator.down(details);
      },
    ]);
  }

  /** Down while the log cannot be written (StoreHealth's write probe) or read. */
  private async eventLog() {
    const problem = this.stores.eventLogProblem();
    if (problem !== null) return this.indicators.check('eventStore').down({ message: problem });
    return this.ping('eventStore', () => this.eventStore.ping());
  }

  private async ping(key: string, ping: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(ping());
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unreachable' });
    }
  }
}
