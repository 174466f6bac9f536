import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, ReadModel, ReadModelBoundToAnotherLogError } from '@pat/read-model';
import { StoreStartupError } from '@pat/shared';
import { READ_MODEL_PROJECTION } from '../projection-runner';
import { anotherLogMessage, decideLogBinding } from './log-binding';

/** The service must not start on this pair of stores; the message says which file and why. */
export class LogBindingRefusedError extends StoreStartupError {
  constructor(message: string) {
    super(message);
    this.name = 'LogBindingRefusedError';
  }
}

/**
 * Run before the projection starts (API start, CLI commands that write): proves the read model
 * was built from this event log, records that for a new read model, and refuses to go on when it
 * was built from another log or from a longer one (a log deleted, emptied, replaced or restored
 * from an older backup). Without it such a read model goes on authenticating tokens whose
 * revocations the log does not hold, and they can never be revoked again.
 */
@Injectable()
export class LogBindingCheck {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
  ) {}

  /** Resolves when the pair may be used (binding it if needed); throws LogBindingRefusedError. */
  async verify(): Promise<void> {
    const log = await this.eventStore.logIdentity();
    const [binding, checkpoint] = await Promise.all([
      this.readModel.readLogBinding(),
      this.readModel.getCheckpoint(READ_MODEL_PROJECTION),
    ]);
    // Every log starts with the first administrator's UserCreated, so a built read model has a user.
    const hasDocuments = checkpoint !== null || (await this.readModel.countUsers()) > 0;
    const decision = decideLogBinding(
      { binding, checkpoint, hasDocuments, location: this.readModel.location },
      log,
      (a, b) => this.eventStore.comparePositions(a, b),
    );
    if (decision.action === 'refuse') throw new LogBindingRefusedError(decision.message);
    if (decision.action === 'ok') return;
    try {
      await this.readModel.bindToLog(decision.logId);
    } catch (error) {
      // Another instance, on another log, bound the same new read model a moment before.
      if (error instanceof ReadModelBoundToAnotherLogError) {
        throw new LogBindingRefusedError(anotherLogMessage(this.readModel, error.boundLogId, log));
      }
      throw error;
    }
  }
}
