import { DomainError, DomainErrorKind } from '../errors';
import type { DomainEvent } from '../event';

/**
 * Given / when / then for deciders (after emmett's DeciderSpecification): the events already
 * recorded, one decision on the state they fold to, and the events it records — or the error
 * it refuses with.
 *
 *   DeciderSpec.for({ evolve: evolveToken, initialState: initialTokenState })
 *     .given([created])
 *     .when((state) => decideRevokeToken(state, revoke, { now }))
 *     .then([revoked]);
 *
 * The deciders here take a context besides the command (`{ now, policy }`), so `when` takes a
 * closure over the state as well as a command: a command needs the `decide` given to `for`.
 */
export interface Decider<State, Event extends DomainEvent, Command = never> {
  readonly initialState: State;
  readonly evolve: (state: State, event: Event) => State;
  /** The decision `when(command)` runs. NoInfer: a decide of one event type narrows nothing. */
  readonly decide?: (state: State, command: Command) => readonly NoInfer<Event>[];
}

/** A decision on a state: what `when` takes besides a command. */
export type Decision<State, Event> = (state: State) => readonly Event[];

/** What a decision recorded, and the state the given and the recorded events fold to. */
export interface Decided<State, Event> {
  readonly events: readonly Event[];
  readonly state: State;
}

/**
 * The refusal expected: its kind, the properties it must have (exactly those named, so
 * `{ kind: 'conflict', field: undefined }` also says it names no field), or a predicate.
 */
export type ExpectedError =
  | DomainErrorKind
  | { readonly kind?: DomainErrorKind; readonly field?: string; readonly message?: string }
  | ((error: unknown) => boolean);

/**
 * The When step has a `then` method, so it is a thenable: returned from a test or awaited, it
 * would be "resolved" with no assertion made. That call is refused instead.
 */
const NOT_A_PROMISE =
  'DeciderSpec: when(...) is not a promise; finish it with then([...]), thenMatches([...]), ' +
  'thenThrows(...) or thenNothing()';

export class DeciderSpec<State, Event extends DomainEvent, Command> {
  private constructor(private readonly decider: Decider<State, Event, Command>) {}

  static for<State, Event extends DomainEvent, Command = never>(
    decider: Decider<State, Event, Command>,
  ): DeciderSpec<State, Event, Command> {
    return new DeciderSpec(decider);
  }

  /** The events already in the stream, oldest first. */
  given(events: readonly Event[]): Given<State, Event, Command> {
    return new Given(this.decider, events);
  }

  /** A decision on the initial state (nothing given). */
  when(action: Command | Decision<State, Event>): When<State, Event> {
    return this.given([]).when(action);
  }
}

export class Given<State, Event extends DomainEvent, Command> {
  constructor(
    private readonly decider: Decider<State, Event, Command>,
    private readonly events: readonly Event[],
  ) {}

  when(action: Command | Decision<State, Event>): When<State, Event> {
    const { decide, evolve, initialState } = this.decider;
    let decision: Decision<State, Event>;
    if (typeof action === 'function') {
      decision = action as Decision<State, Event>;
    } else if (decide) {
      decision = (state) => decide(state, action);
    } else {
      throw new TypeError('DeciderSpec: when(command) needs a decide; pass a closure instead');
    }
    return new When(this.events.reduce(evolve, initialState), evolve, decision);
  }
}

export class When<State, Event extends DomainEvent> {
  constructor(
    private readonly state: State,
    private readonly evolve: (state: State, event: Event) => State,
    private readonly decision: Decision<State, Event>,
  ) {}

  /** Exactly these events, in this order (toEqual: asymmetric matchers allowed). */
  then(expected: readonly Event[]): Decided<State, Event> {
    if (!Array.isArray(expected)) throw new TypeError(NOT_A_PROMISE);
    const decided = this.decide();
    expect(decided.events).toEqual(expected);
    return decided;
  }

  /** As many events as listed, each with at least the properties listed (toMatchObject). */
  thenMatches(expected: ReadonlyArray<Record<string, unknown>>): Decided<State, Event> {
    const decided = this.decide();
    expect(decided.events).toMatchObject(expected);
    return decided;
  }

  /** The decision records nothing: the state already is what was asked for. */
  thenNothing(): Decided<State, Event> {
    const decided = this.decide();
    expect(decided.events).toEqual([]);
    return decided;
  }

  /** The decision refuses; returns the error for any further look at it. */
  thenThrows(expected: ExpectedError): unknown {
    let events: readonly Event[];
    try {
      events = this.decision(this.state);
    } catch (error) {
      checkError(error, expected);
      return error;
    }
    throw new Error(
      `DeciderSpec: expected the decision to throw, it recorded ${JSON.stringify(events)}`,
    );
  }

  private decide(): Decided<State, Event> {
    let events: readonly Event[];
    try {
      events = this.decision(this.state);
    } catch (error) {
      const thrown = describeError(error);
      throw new Error(`DeciderSpec: expected events, the decision threw ${thrown}`, {
        cause: error,
      });
    }
    // The state after: the recorded events must fold too (an evolve that throws shows here).
    return { events, state: events.reduce(this.evolve, this.state) };
  }
}

function checkError(error: unknown, expected: ExpectedError): void {
  if (typeof expected === 'function') {
    if (!expected(error)) {
      throw new Error(
        `DeciderSpec: the error thrown does not satisfy the check: ${describeError(error)}`,
      );
    }
    return;
  }
  if (!(error instanceof DomainError)) {
    const thrown = describeError(error);
    throw new Error(`DeciderSpec: expected a DomainError, the decision threw ${thrown}`, {
      cause: error,
    });
  }
  const wanted = typeof expected === 'string' ? { kind: expected } : expected;
  // Only the properties named, each compared (so an undefined one must be undefined).
  const actual = Object.fromEntries(
    Object.keys(wanted).map((key) => [key, error[key as keyof typeof wanted]]),
  );
  expect(actual).toEqual(wanted);
}

function describeError(error: unknown): string {
  if (error instanceof DomainError) return `DomainError(${error.kind}): ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
