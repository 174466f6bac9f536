import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  EVENT_STORE,
  EventLogDamagedError,
  EventStore,
  EventStoreUnavailableError,
} from '@pat/event-store';
import { READ_MODEL, ReadModel, ReadModelUnavailableError } from '@pat/read-model';
import { ProjectionRunner } from './projection-runner';

const PROBE_EVERY_MS = 500;
/** A write probe every this many probes (2 s) while the log writes; every probe while it fails. */
const WRITE_PROBE_EVERY = 4;
/** A probe that has not answered by then counts as failed: a hung store honours no token. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Whether both stores answered their last probe, and whether the event log accepts writes.
 * Authentication consults it so that the service fails closed: while the event log cannot be
 * written, a revocation cannot be recorded either, so no token is honoured until the log is back
 * (503, then recovery without a restart).
 *
 * Reading proves nothing about writing (a full disk still reads), so the log is also probed with
 * a real, durable write (EventStore.probeWrite), and any append that fails because the log
 * cannot take it marks the log failed at once, before the caller is answered. Only a write
 * probe that succeeds clears that again; a damaged log never clears.
 */
@Injectable()
export class StoreHealth implements OnModuleDestroy {
  private readonly logger = new Logger(StoreHealth.name);
  private timer: NodeJS.Timeout | null = null;
  private probes = 0;
  private eventStoreError: string | null = null;
  private readModelError: string | null = null;
  /** Why the event log cannot be written (a failed append or write probe), or null. */
  private eventLogWriteError: string | null = null;
  private eventLogDamaged = false;
  /** Counts write failures, so that a probe started before one does not clear it. */
  private writeFailures = 0;
  private writeProbeRunning = false;
  private readonly stopListening: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly projections: ProjectionRunner,
  ) {
    this.stopListening = eventStore.onWriteFailure((error) => this.noteWriteFailure(error));
  }

  start(): void {
    if (this.timer) return;
    void this.probe();
    this.timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  async probe(): Promise<void> {
    const writeDue =
      !this.writeProbeRunning &&
      (this.eventLogWriteError !== null || this.probes % WRITE_PROBE_EVERY === 0);
    this.probes += 1;
    const [eventStore, readModel] = await Promise.allSettled([
      withTimeout(this.eventStore.ping(), 'the event log'),
      withTimeout(this.readModel.ping(), 'the read model'),
      writeDue ? this.probeWrite() : Promise.resolve(),
    ]);
    this.eventStoreError = this.note('event store', this.eventStoreError, eventStore);
    this.readModelError = this.note('read model', this.readModelError, readModel);
    if (this.readModelError === null) await this.projections.checkForReset().catch(() => undefined);
  }

  /**
   * Throws the matching "unavailable" error (503) while a store is unusable (the event log
   * cannot be written, or a store failed its last probe), or while the read model is behind the
   * log it was shown to be at (reset, catching up, or missing a recorded change): a credential
   * checked against it then could be one already revoked. Answers the serving epoch (see
   * `assertStillAvailable`).
   */
  assertAvailable(): number {
    if (this.eventLogWriteError !== null) {
      throw this.eventLogDamaged
        ? new EventLogDamagedError(this.eventLogWriteError)
        : new EventStoreUnavailableError(this.eventLogWriteError);
    }
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

  /** Why the event log cannot be used (written or read) right now, for readiness; or null. */
  eventLogProblem(): string | null {
    return this.eventLogWriteError ?? this.eventStoreError;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopListening();
  }

  private async probeWrite(): Promise<void> {
    const failuresBefore = this.writeFailures;
    const writing = this.eventStore.probeWrite();
    // A probe that hangs is not started again on top of itself.
    this.writeProbeRunning = true;
    void writing
      .catch(() => undefined)
      .finally(() => {
        this.writeProbeRunning = false;
      });
    try {
      await withTimeout(writing, 'the event log (write probe)');
    } catch (error) {
      // The adapter has told noteWriteFailure already; a timeout it has not.
      if (!(error instanceof EventStoreUnavailableError)) this.noteWriteFailure(error);
      return;
    }
    if (
      this.eventLogWriteError !== null &&
      !this.eventLogDamaged &&
      this.writeFailures === failuresBefore
    ) {
      this.logger.log('The event log accepts writes again');
      this.eventLogWriteError = null;
    }
  }

  private noteWriteFailure(error: unknown): void {
    this.writeFailures += 1;
    if (this.eventLogDamaged) return;
    this.eventLogDamaged = error instanceof EventLogDamagedError;
    const message =
      error instanceof Error ? error.message : 'The event log cannot be written (unknown error)';
    if (this.eventLogWriteError === null || this.eventLogDamaged) {
      this.logger.error(`No token is honoured until the event log accepts writes: ${message}`);
    }
    this.eventLogWriteError = message;
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

class ProbeTimeoutError extends Error {
  constructor(what: string) {
    super(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeoutError(what)), PROBE_TIMEOUT_MS);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
