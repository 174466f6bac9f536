import { DomainError, conflict, invalid } from '../errors';
import type { DomainEvent } from '../event';
import { DeciderSpec } from './decider-spec';

// A switch: the smallest decider with a refusal, a no-op and a command.
type SwitchEvent =
  DomainEvent<'TurnedOn', { by: string }> | DomainEvent<'TurnedOff', { by: string }>;
type SwitchState = { readonly on: boolean; readonly turns: number };
type Turn = { readonly on: boolean; readonly by: string };

const evolve = (state: SwitchState, event: SwitchEvent): SwitchState => ({
  on: event.type === 'TurnedOn',
  turns: state.turns + 1,
});
const decideTurn = (state: SwitchState, command: Turn): SwitchEvent[] => {
  if (command.by.length === 0) throw invalid('by', 'by must not be empty');
  if (command.on === state.on) return [];
  return [{ type: command.on ? 'TurnedOn' : 'TurnedOff', data: { by: command.by } }];
};
const decideTurnOff = (state: SwitchState, by: string): SwitchEvent[] => {
  if (!state.on) throw conflict('already off');
  return [{ type: 'TurnedOff', data: { by } }];
};

const initialState: SwitchState = { on: false, turns: 0 };
const spec = DeciderSpec.for({ decide: decideTurn, evolve, initialState });
const on: SwitchEvent = { type: 'TurnedOn', data: { by: 'a' } };
const off: SwitchEvent = { type: 'TurnedOff', data: { by: 'b' } };

describe('DeciderSpec', () => {
  it('runs the command through decide on the state the given events fold to', () => {
    const decided = spec.given([on]).when({ on: false, by: 'b' }).then([off]);
    expect(decided).toEqual({ events: [off], state: { on: false, turns: 2 } });
    expect(spec.when({ on: true, by: 'a' }).then([on]).state).toEqual({ on: true, turns: 1 });
  });

  it('runs a closure instead of a command, needed when the decider takes a context', () => {
    spec
      .given([on])
      .when((state) => decideTurnOff(state, 'b'))
      .then([off]);
    spec.when((state) => decideTurnOff(state, 'b')).thenThrows('conflict');
  });

  it('fails then() for other events, fewer or more of them, or none', () => {
    const when = spec.when({ on: true, by: 'a' });
    expect(() => when.then([off])).toThrow();
    expect(() => when.then([])).toThrow();
    expect(() => when.then([on, on])).toThrow();
    expect(() => spec.given([on]).when({ on: true, by: 'a' }).then([on])).toThrow();
  });

  it('fails then() when the decision refuses, naming the refusal', () => {
    expect(() => spec.when({ on: true, by: '' }).then([on])).toThrow(
      'DeciderSpec: expected events, the decision threw DomainError(invalid): by must not be empty',
    );
  });

  it('matches each event on the properties listed, with as many events as listed', () => {
    spec.when({ on: true, by: 'a' }).thenMatches([{ type: 'TurnedOn' }]);
    expect(() => spec.when({ on: true, by: 'a' }).thenMatches([{ type: 'TurnedOff' }])).toThrow();
    expect(() => spec.when({ on: true, by: 'a' }).thenMatches([])).toThrow();
  });

  it('tells nothing recorded from something recorded', () => {
    spec.given([on]).when({ on: true, by: 'a' }).thenNothing();
    expect(() => spec.when({ on: true, by: 'a' }).thenNothing()).toThrow();
  });

  it('checks a refusal by kind, by the properties named, or by a predicate', () => {
    const refused = spec.when({ on: true, by: '' });
    expect(refused.thenThrows('invalid')).toBeInstanceOf(DomainError);
    refused.thenThrows({ kind: 'invalid', field: 'by' });
    refused.thenThrows({ message: 'by must not be empty' });
    refused.thenThrows((error) => error instanceof DomainError && error.field === 'by');
    expect(() => refused.thenThrows('conflict')).toThrow();
    expect(() => refused.thenThrows({ kind: 'invalid', field: 'on' })).toThrow();
    expect(() => refused.thenThrows(() => false)).toThrow(/does not satisfy the check/);
  });

  it('takes a property named as undefined to mean it must be undefined', () => {
    const refused = spec.when((state) => decideTurnOff(state, 'b'));
    refused.thenThrows({ kind: 'conflict', field: undefined });
    expect(() =>
      spec.when({ on: true, by: '' }).thenThrows({ kind: 'invalid', field: undefined }),
    ).toThrow();
  });

  it('fails thenThrows() when the decision records events, and for errors of another class', () => {
    expect(() => spec.when({ on: true, by: 'a' }).thenThrows('invalid')).toThrow(
      /expected the decision to throw, it recorded \[\{"type":"TurnedOn"/,
    );
    const broken = spec.when(() => {
      throw new RangeError('a bug, not a refusal');
    });
    expect(() => broken.thenThrows('invalid')).toThrow(/expected a DomainError.*RangeError/);
  });

  it('refuses a command when no decide was given', () => {
    const closuresOnly = DeciderSpec.for<SwitchState, SwitchEvent, Turn>({ evolve, initialState });
    expect(() => closuresOnly.when({ on: true, by: 'a' })).toThrow(/needs a decide/);
  });

  it('is not a promise: awaiting a When without an assertion rejects', async () => {
    const when = spec.when({ on: true, by: 'a' });
    await expect(Promise.resolve(when)).rejects.toThrow(/is not a promise/);
  });
});
