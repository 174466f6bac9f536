import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  CHECKPOINT_STORE,
  CheckpointStore,
  EVENT_STORE,
  EventStore,
  RecordedEvent,
} from '@pat/event-store';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { CatchUpSubscriber, CatchUpSubscribers } from './catch-up-subscriber';

/**
 * A process manager reacts to events by issuing commands (for example: a user was deleted →
 * revoke each of their tokens). Its handler must be idempotent: after a crash it sees the same
 * event again, from its own checkpoint.
 */
export interface ProcessManager {
  readonly name: string;
  handles(event: RecordedEvent): boolean;
  handle(event: RecordedEvent): Promise<void>;
}

export const PROCESS_MANAGERS = Symbol('ProcessManagers');

/** Unhandled events only move the checkpoint this often: they are cheap to see again. */
const CHECKPOINT_EVERY = 1000;

/**
 * Runs each process manager on its own catch-up subscription (CatchUpSubscriber), resuming
 * from its own checkpoint, kept in the CheckpointStore beside the event log — not in the read
 * model, so a rebuild of the read model makes no process manager act again (docs/adr/0003). A
 * failing handler stops its subscription, which restarts from the last checkpoint with a
 * growing delay, so a reaction is retried until it succeeds.
 */
@Injectable()
export class ProcessManagerRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProcessManagerRunner.name);
  private readonly subscribers: CatchUpSubscribers;
  private readonly caughtUp: Array<Promise<void>> = [];

  constructor(
    @Inject(EVENT_STORE) eventStore: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PROCESS_MANAGERS) managers: ProcessManager[],
  ) {
    this.subscribers = new CatchUpSubscribers(
      managers.map((manager) => {
        let resolve!: () => void;
        this.caughtUp.push(new Promise<void>((done) => (resolve = done)));
        return new CatchUpSubscriber(eventStore, this.processorFor(manager, resolve), this.logger);
      }),
    );
  }

  /** Resolves once every process manager has seen the events that existed when it started. */
  async whenCaughtUp(): Promise<void> {
    await Promise.all(this.caughtUp);
  }

  start(): Promise<void> {
    return this.subscribers.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  stop(): Promise<void> {
    return this.subscribers.stop();
  }

  private processorFor(manager: ProcessManager, caughtUp: () => void) {
    const checkpointName = `process:${manager.name}`;
    const save = (position: string) => this.checkpoints.storeCheckpoint(checkpointName, position);
    let unsaved = 0;
    return {
      name: manager.name,
      // Releases before 0.11.0 kept it in the read model: taken over once, so an upgrade does
      // not act on every earlier event again.
      readCheckpoint: async () =>
        (await this.checkpoints.readCheckpoint(checkpointName)) ??
        (await this.readModel.getCheckpoint(checkpointName)),
      onResume: () => {
        unsaved = 0;
      },
      onEvent: async (event: RecordedEvent) => {
        if (manager.handles(event)) {
          await manager.handle(event);
          await save(event.position);
          unsaved = 0;
        } else if (++unsaved >= CHECKPOINT_EVERY) {
          await save(event.position);
          unsaved = 0;
        }
      },
      onCaughtUp: caughtUp,
    };
  }
}
