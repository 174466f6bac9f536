import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  CHECKPOINT_STORE,
  CheckpointStore,
  EVENT_STORE,
  EventStore,
  RecordedEvent,
  Subscription,
} from '@pat/event-store';
import { READ_MODEL, ReadModel } from '@pat/read-model';

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
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Runs each process manager on its own catch-up subscription, resuming from its own checkpoint,
 * kept in the CheckpointStore beside the event log — not in the read model, so a rebuild of the
 * read model makes no process manager act again (docs/adr/0003). A failing handler stops its
 * subscription, which restarts from the last checkpoint with a growing delay, so a reaction is
 * retried until it succeeds.
 */
@Injectable()
export class ProcessManagerRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProcessManagerRunner.name);
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly caughtUp = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = true;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PROCESS_MANAGERS) private readonly managers: ProcessManager[],
  ) {
    for (const manager of managers) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.caughtUp.set(manager.name, { promise, resolve });
    }
  }

  /** Resolves once every process manager has seen the events that existed when it started. */
  async whenCaughtUp(): Promise<void> {
    await Promise.all([...this.caughtUp.values()].map((entry) => entry.promise));
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await Promise.all(this.managers.map((manager) => this.subscribe(manager, 250)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const running = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(running.map((subscription) => subscription.stop()));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async subscribe(manager: ProcessManager, retryDelayMs: number): Promise<void> {
    const checkpointName = `process:${manager.name}`;
    let after: string | null;
    try {
      // Releases before 0.11.0 kept it in the read model: taken over once, so an upgrade does
      // not act on every earlier event again.
      after =
        (await this.checkpoints.readCheckpoint(checkpointName)) ??
        (await this.readModel.getCheckpoint(checkpointName));
    } catch (error) {
      return this.retryLater(manager, retryDelayMs, error);
    }
    let unsaved = 0;
    const save = (position: string) => this.checkpoints.storeCheckpoint(checkpointName, position);
    this.subscriptions.set(
      manager.name,
      this.eventStore.subscribeToAll({
        after,
        onEvent: async (event) => {
          if (manager.handles(event)) {
            await manager.handle(event);
            await save(event.position);
            unsaved = 0;
          } else if (++unsaved >= CHECKPOINT_EVERY) {
            await save(event.position);
            unsaved = 0;
          }
        },
        onCaughtUp: () => this.caughtUp.get(manager.name)?.resolve(),
        onError: (error) => {
          this.subscriptions.delete(manager.name);
          this.retryLater(manager, retryDelayMs, error);
        },
      }),
    );
  }

  private retryLater(manager: ProcessManager, retryDelayMs: number, error: unknown): void {
    if (this.stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`${manager.name} stopped (${message}); retrying in ${retryDelayMs} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      void this.subscribe(manager, Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS));
    }, retryDelayMs);
    this.timers.add(timer);
  }
}
