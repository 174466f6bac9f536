import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DOCUMENT_STORE, DocumentChange, DocumentStore } from '@pat/documents';
import { EVENT_STORE, EventStore, Position } from '@pat/event-store';
import { CatchUpSubscriber, CatchUpSubscribers } from '../catch-up-subscriber';
import { DOCUMENT_READ_MODELS, DocumentReadModel } from './document-read-model';

/** Events per write while catching up. */
const CATCH_UP_BATCH = 5_000;
/**
 * Live events are written together, this long after the first of them (or at once when a query
 * waits for them): a burst of commands shares one write instead of adding one to each command.
 */
const LIVE_WRITE_DELAY_MS = 20;
/** How long a query waits for its read model to show this process's own last write. */
const READ_YOUR_WRITES_WAIT_MS = 5_000;

/** One read model's progress: what is written with its checkpoint, and what is pending. */
class Progress {
  shown: Position | null = null;
  pending: DocumentChange[] = [];
  pendingUntil: Position | null = null;
  pendingEvents = 0;
  writes: Promise<void> = Promise.resolve();
  timer: NodeJS.Timeout | null = null;

  resumeAt(after: Position | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.shown = after;
    // A failed write is behind us: the subscription starts again from the checkpoint.
    this.writes = Promise.resolve();
    this.pending = [];
    this.pendingUntil = null;
    this.pendingEvents = 0;
  }
}

/**
 * Runs every document read model on a catch-up subscription of its own (CatchUpSubscriber),
 * from its own checkpoint, which is written with its documents (one transaction on SQLite; on
 * MongoDB the revision guards absorb a replay). A failure stops that read model's subscription,
 * which restarts from its checkpoint with a growing delay; the others go on.
 */
@Injectable()
export class DocumentProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(DocumentProjectionRunner.name);
  private readonly progress: Progress[] = [];
  private readonly subscribers: CatchUpSubscribers;
  /** What a query that waits can hurry: each read model's pending live write. */
  private readonly writeNow: Array<() => void> = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    @Inject(DOCUMENT_READ_MODELS) private readonly models: DocumentReadModel[],
  ) {
    this.subscribers = new CatchUpSubscribers(
      models.map((model) => {
        const progress = new Progress();
        this.progress.push(progress);
        // Off the subscription's path: a failure stops the subscription, which starts again.
        const writeLater = () => {
          if (progress.timer) clearTimeout(progress.timer);
          progress.timer = null;
          this.flush(model, progress).catch((error: unknown) => subscriber.fail(error));
        };
        this.writeNow.push(() => {
          if (progress.timer) writeLater();
        });
        const subscriber: CatchUpSubscriber = new CatchUpSubscriber(
          eventStore,
          {
            name: `Read model ${model.name}`,
            readCheckpoint: () => store.readCheckpoint(model.name),
            onResume: (after) => progress.resumeAt(after),
            onEvent: (event, context) => {
              for (const change of model.project(event)) progress.pending.push(change);
              progress.pendingUntil = event.position;
              progress.pendingEvents += 1;
              if (!context.catchingUp) {
                progress.timer ??= setTimeout(writeLater, LIVE_WRITE_DELAY_MS);
                return undefined;
              }
              if (progress.pendingEvents < CATCH_UP_BATCH) return undefined;
              return this.flush(model, progress);
            },
            onCaughtUp: writeLater,
          },
          this.logger,
        );
        return subscriber;
      }),
    );
  }

  async start(): Promise<void> {
    await this.store.declare(this.models.flatMap((model) => model.collections));
    await this.subscribers.start();
  }

  async stop(): Promise<void> {
    await this.subscribers.stop();
    for (const progress of this.progress) {
      if (progress.timer) clearTimeout(progress.timer);
      progress.timer = null;
    }
    await Promise.all(this.progress.map((progress) => progress.writes.catch(() => undefined)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /**
   * Waits until every document read model shows the log up to `position` (a write this process
   * just made: read-your-writes without writing inline), at most a few seconds; answers whether
   * they do. Past that, the caller answers from what is shown.
   */
  async waitForPosition(position: Position | null): Promise<boolean> {
    if (position === null) return true;
    const shows = () =>
      this.progress.every(
        (progress) =>
          progress.shown !== null &&
          this.eventStore.comparePositions(progress.shown, position) >= 0,
      );
    if (shows()) return true;
    for (const hurry of this.writeNow) hurry();
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (shows()) finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), READ_YOUR_WRITES_WAIT_MS);
      this.waiters.add(check);
    });
  }

  /** Writes what is pending with its checkpoint; writes of one read model run one at a time. */
  private flush(model: DocumentReadModel, progress: Progress): Promise<void> {
    progress.writes = progress.writes.then(async () => {
      const until = progress.pendingUntil;
      if (until === null) return;
      const changes = progress.pending;
      progress.pending = [];
      progress.pendingUntil = null;
      progress.pendingEvents = 0;
      await this.store.apply(changes, { name: model.name, position: until });
      progress.shown = until;
      for (const waiter of this.waiters) waiter();
    });
    return progress.writes;
  }
}
