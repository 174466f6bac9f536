import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, EventStore, EventStoreUnavailableError } from '@pat/event-store';
import { READ_MODEL, ReadModel, ReadModelUnavailableError } from '@pat/read-model';
import { ProjectionRunner } from './projection-runner';

const PROBE_EVERY_MS = 500;

/**
 * Whether both stores answered their last probe. Authentication consults it so that the service
 * fails closed: while the event log cannot be written, a revocation cannot be recorded either,
 * so no token is honoured until the log is back (503, then recovery without a restart).
 */
@Injectable()
export class StoreHealth implements OnModuleDestroy {
  private readonly logger = new Logger(StoreHealth.name);
  private timer: NodeJS.Timeout | null = null;
  private eventStoreError: string | null = null;
  private readModelError: string | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly projections: ProjectionRunner,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  async probe(): Promise<void> {
    const [eventStore, readModel] = await Promise.allSettled([
      this.eventStore.ping(),
      this.readModel.ping(),
    ]);
    this.eventStoreError = this.note('event store', this.eventStoreError, eventStore);
    this.readModelError = this.note('read model', this.readModelError, readModel);
    if (this.readModelError === null) await this.projections.checkForReset().catch(() => undefined);
  }

  /**
   * Throws the matching "unavailable" error (503) while either store failed its last probe, or
   * while the read model is behind the log it was shown to be at (reset, catching up, or missing
   * a recorded change): a credential checked against it then could be one already revoked.
   * Answers the serving epoch (see `assertStillAvailable`).
   */
  assertAvailable(): number {
    if (this.eventStoreError !== null) throw new EventStoreUnavailableError(this.eventStoreError);
    if (this.readModelError !== null) throw new ReadModelUnavailableError(this.readModelError);
    const refusal = this.projections.servingRefusal();
    if (refusal !== null) {
      throw new ReadModelUnavailableError(`The read model is behind: ${refusal}`);
    }
    return this.projections.servingEpoch();
  }

  /**
   * After a credential was read: throws as `assertAvailable` does, and also when the read model
   * fell behind while the read ran (`epoch` is what `assertAvailable` answered before it).
   */
  assertStillAvailable(epoch: number): void {
    if (this.assertAvailable() !== epoch) {
      throw new ReadModelUnavailableError(
        'The read model fell behind the event log while the credential was read',
      );
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private note(
    store: string,
    previous: string | null,
    result: PromiseSettledResult<void>,
  ): string | null {
    if (result.status === 'fulfilled') {
      if (previous !== null) this.logger.log(`The ${store} is reachable again`);
      return null;
    }
    const message =
      result.reason instanceof Error ? result.reason.message : `The ${store} is unreachable`;
    if (previous === null) this.logger.warn(`The ${store} is unreachable: ${message}`);
    return message;
  }
}
