import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  EventStore,
  Position,
  RecordedEvent,
  WrongExpectedRevisionError,
  expectedRevisionAfter,
} from '@pat/event-store';
import { CLOCK, Clock, CommandContext, DomainEvent, EventMetadata, conflict } from '@pat/shared';
import { ProjectionRunner } from './projection-runner';

export const EVENT_SCHEMA_VERSION = 1;

export interface Aggregate<State, Event extends DomainEvent> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
}

export interface CommandOutcome<State> {
  /** The events this command appended (none when it decided nothing needed to change). */
  readonly events: RecordedEvent[];
  /** The stream's state after the command. */
  readonly state: State;
}

const MAX_ATTEMPTS = 10;
/** Back-off after a conflict: attempt n waits a random time up to n × this (full jitter). */
const CONFLICT_BACKOFF_MS = 5;

/** Told of every append this process made (business metrics); must be cheap and never throw. */
export type AppendListener = (events: readonly RecordedEvent[]) => void;

/** Contexts (one per request) under which some command appended events, with their streams. */
const recordedContexts = new WeakMap<CommandContext, Set<string>>();

/**
 * Whether a command run under this context appended events: a store failure after that (a
 * handler reading back its result, say) must be answered as "recorded but not visible", never as
 * a plain failure that invites the caller to repeat a change that happened.
 */
export const changeWasRecorded = (context: CommandContext): boolean =>
  recordedContexts.has(context);
const INLINE_ATTEMPTS = 4;
/** Past this, an inline projection that failed is left to the projection's own retries. */
const INLINE_RETRY_BUDGET_MS = 1000;

/** The change is in the event log but the read model could not show it yet (503, no retry). */
export class RecordedButNotVisibleError extends Error {
  constructor(
    readonly streamName: string,
    options?: { cause?: unknown },
  ) {
    super(
      'The change was recorded but is not visible yet: do not repeat it; it takes effect as ' +
        'soon as the read model is reachable',
      options,
    );
    this.name = 'RecordedButNotVisibleError';
  }
}

/**
 * Runs a command against one stream: read, fold with `evolve`, `decide`, append with the revision
 * that was read. A concurrent writer makes the append fail; the command is then retried from fresh
 * state, so a conflict is never lost or doubled (docs/design/contract.md §5). Once appended, the
 * events are applied to the read model before returning, which gives read-your-writes
 * (docs/design/contract.md §6).
 */
@Injectable()
export class CommandRunner {
  private readonly appendListeners: AppendListener[] = [];
  private lastPosition: Position | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
  ) {}

  async run<State, Event extends DomainEvent>(
    streamName: string,
    aggregate: Aggregate<State, Event>,
    decide: (state: State) => Event[],
    context: CommandContext,
  ): Promise<CommandOutcome<State>> {
    for (let attempt = 1; ; attempt++) {
      // Whatever this command answers rests on the stream's history: events of it still on
      // their way to the read model must be in force first (a second revoke's 409, say).
      await this.projections.whenShown(streamName);
      const history = await this.eventStore.readStream(streamName);
      const state = fold(aggregate, history);
      const decided = decide(state);
      if (decided.length === 0) return { events: [], state };
      // Write nothing that could not be projected at once: with the read model down, refuse.
      await this.projections.assertReadModelReachable();
      try {
        const result = await this.eventStore.appendToStream(
          streamName,
          decided.map((event) => ({
            type: event.type,
            data: event.data,
            metadata: this.metadata(context),
          })),
          { expectedRevision: expectedRevisionAfter(history) },
        );
        const streams = recordedContexts.get(context) ?? new Set<string>();
        recordedContexts.set(context, streams.add(streamName));
        this.notifyAppended(result.events);
        await this.projectRecorded(result.events);
        const after = decided.reduce(aggregate.evolve, state);
        return { events: result.events, state: after };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw conflict(`${streamName} is being changed concurrently; try again`);
        }
        // Writers that collided would collide again if they retried in step.
        await sleep(Math.random() * CONFLICT_BACKOFF_MS * attempt);
      }
    }
  }

  /**
   * Appends facts that decide nothing (the usage trail) without reading the stream and without a
   * revision check, then shows them like any command's events. Nothing reads such a stream to
   * decide, so there is no state to be stale and no conflict to retry.
   */
  async record<Event extends DomainEvent>(
    streamName: string,
    events: readonly Event[],
    context: CommandContext,
  ): Promise<RecordedEvent[]> {
    const result = await this.eventStore.appendToStream(
      streamName,
      events.map((event) => ({
        type: event.type,
        data: event.data,
        metadata: this.metadata(context),
      })),
      { expectedRevision: 'any' },
    );
    this.notifyAppended(result.events);
    await this.projectRecorded(result.events);
    return result.events;
  }

  /**
   * The events are in the log; the read model must show them before the caller is answered. A
   * brief read-model hiccup is retried; a longer one is reported as such — the change happened,
   * so the caller must not repeat it. The projection keeps trying, and no credential is honoured
   * until the read model shows the change (a revocation is in force from the moment it answers).
   */
  private async projectRecorded(events: RecordedEvent[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.projections.applyInline(events);
        return;
      } catch (error) {
        // In force from the first failure: no credential is honoured until the change is shown
        // (a success below, or the projection's own retries, ends that).
        this.projections.deferInline(events);
        // Quick failures are retried; a store that timed out is not waited for again.
        if (attempt >= INLINE_ATTEMPTS || Date.now() - started > INLINE_RETRY_BUDGET_MS) {
          throw new RecordedButNotVisibleError(events[0]?.streamName ?? '', { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /**
   * Called when a request under this context is answered before its command finished (the
   * request backstop): answers whether it appended events; if so they are made to be in force
   * from that answer on, shown or not (see ProjectionRunner.holdUntilShown).
   */
  answeredEarly(context: CommandContext): boolean {
    const streams = recordedContexts.get(context);
    if (!streams) return false;
    this.projections.holdUntilShown(streams);
    return true;
  }

  /**
   * Listens to the events this process appends — each once, when written, never on a replay or
   * a catch-up (so counters summed over several instances count each event once).
   */
  onAppended(listener: AppendListener): () => void {
    this.appendListeners.push(listener);
    return () => {
      const index = this.appendListeners.indexOf(listener);
      if (index >= 0) this.appendListeners.splice(index, 1);
    };
  }

  /** The position of the last event this process appended (null before the first). */
  get lastAppended(): Position | null {
    return this.lastPosition;
  }

  private notifyAppended(events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1]?.position;
    if (
      last !== undefined &&
      (this.lastPosition === null || this.eventStore.comparePositions(last, this.lastPosition) > 0)
    ) {
      this.lastPosition = last;
    }
    for (const listener of this.appendListeners) {
      try {
        listener(events);
      } catch {
        // A metrics hook must never turn a recorded change into a failed command.
      }
    }
  }

  /** Folds a stream without deciding anything. */
  async load<State, Event extends DomainEvent>(
    streamName: string,
    aggregate: Aggregate<State, Event>,
  ): Promise<State> {
    return fold(aggregate, await this.eventStore.readStream(streamName));
  }

  metadata(context: CommandContext): EventMetadata {
    return {
      occurredAt: this.clock.now().toISOString(),
      actor: context.actor,
      requestId: context.requestId,
      schemaVersion: EVENT_SCHEMA_VERSION,
    };
  }
}

/**
 * A stream's state from its history. The stream holds only this aggregate's events (streams are
 * named per aggregate), which is what makes the cast sound.
 */
function fold<State, Event extends DomainEvent>(
  aggregate: Aggregate<State, Event>,
  history: readonly RecordedEvent[],
): State {
  return history.reduce(
    (current, recorded) => aggregate.evolve(current, recorded as unknown as Event),
    aggregate.initialState,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
