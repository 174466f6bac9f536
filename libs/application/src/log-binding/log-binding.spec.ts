import type { LogIdentity } from '@pat/event-store';
import { LogBindingRefusal, ReadModelState, decideLogBinding } from './log-binding';

const compare = (a: string, b: string) => Number(a) - Number(b);
const log = (logId: string, head: string | null): LogIdentity => ({
  logId,
  head,
  location: '/data/events.sqlite',
});
const readModel = (state: Partial<ReadModelState> = {}): ReadModelState => ({
  binding: null,
  checkpoint: null,
  hasDocuments: false,
  location: '/data/read-model.sqlite',
  ...state,
});

/** The message of the refusal for `reason` that this state meets (any other decision fails). */
function refusal(
  state: Partial<ReadModelState>,
  identity: LogIdentity,
  reason: LogBindingRefusal,
): string {
  const decision = decideLogBinding(readModel(state), identity, compare);
  expect(decision).toMatchObject({ action: 'refuse', reason });
  return decision.action === 'refuse' ? decision.message : '';
}

describe('decideLogBinding', () => {
  it('binds a new, empty read model to the log, empty or not', () => {
    expect(decideLogBinding(readModel(), log('L', null), compare)).toEqual({
      action: 'bind',
      logId: 'L',
    });
    expect(decideLogBinding(readModel(), log('L', '40'), compare)).toEqual({
      action: 'bind',
      logId: 'L',
    });
  });

  it('accepts a read model bound to this log, at or behind its head', () => {
    for (const checkpoint of [null, '12', '40']) {
      expect(
        decideLogBinding(readModel({ binding: 'L', checkpoint }), log('L', '40'), compare),
      ).toEqual({ action: 'ok' });
    }
    expect(decideLogBinding(readModel({ binding: 'L' }), log('L', null), compare)).toEqual({
      action: 'ok',
    });
  });

  it('adopts a read model built before bindings existed when the log reaches its checkpoint', () => {
    const unbound = readModel({ checkpoint: '40', hasDocuments: true });
    expect(decideLogBinding(unbound, log('L', '40'), compare)).toEqual({
      action: 'bind',
      logId: 'L',
    });
    expect(decideLogBinding(unbound, log('L', '41'), compare)).toEqual({
      action: 'bind',
      logId: 'L',
    });
  });

  it('refuses a read model built from another log, naming both and both ids', () => {
    const message = refusal(
      { binding: 'B', checkpoint: '40', hasDocuments: true },
      log('L', '90'),
      'another_log',
    );
    expect(message).toContain('/data/read-model.sqlite');
    expect(message).toContain('/data/events.sqlite');
    expect(message).toContain('(B)');
    expect(message).toContain('(L)');
    expect(message).toContain('delete the read model to rebuild it');
    expect(message).not.toContain('\n');
  });

  it('refuses another log even when the read model bound to it holds nothing yet', () => {
    expect(decideLogBinding(readModel({ binding: 'B' }), log('L', null), compare)).toMatchObject({
      action: 'refuse',
      reason: 'another_log',
    });
  });

  it('refuses a log that is gone or emptied (a new, empty log under a new id)', () => {
    const message = refusal(
      { binding: 'B', checkpoint: '40', hasDocuments: true },
      log('L', null),
      'log_missing_or_behind',
    );
    expect(message).toContain('The event log /data/events.sqlite (L) is missing or empty');
    expect(message).toContain('/data/read-model.sqlite was built from another event log (B');
    expect(message).toContain('restore it from a backup');
    expect(message).toContain('do not delete the read model');
    // The same state is also a new instance of another deployment on a shared read model.
    expect(message).toContain('point it at a read model of its own');
  });

  it('refuses an emptied log under the same id, saying which file to restore', () => {
    const message = refusal(
      { binding: 'L', checkpoint: '40', hasDocuments: true },
      log('L', null),
      'log_missing_or_behind',
    );
    expect(message).toContain('The event log /data/events.sqlite is missing, empty or shorter');
    expect(message).toContain('read model at position 40, log at empty');
    expect(message).toContain('restore /data/events.sqlite from a backup');
    expect(message).toContain('do not delete the read model in /data/read-model.sqlite');
  });

  it('refuses a log shorter than the checkpoint (restored from an older backup)', () => {
    expect(
      refusal(
        { binding: 'L', checkpoint: '40', hasDocuments: true },
        log('L', '39'),
        'log_missing_or_behind',
      ),
    ).toContain('read model at position 40, log at 39');
  });

  it('refuses an unbound read model with documents but an empty log, even without a checkpoint', () => {
    expect(
      decideLogBinding(readModel({ hasDocuments: true }), log('L', null), compare),
    ).toMatchObject({ action: 'refuse', reason: 'log_missing_or_behind' });
    expect(
      decideLogBinding(
        readModel({ checkpoint: '40', hasDocuments: true }),
        log('L', '39'),
        compare,
      ),
    ).toMatchObject({ action: 'refuse', reason: 'log_missing_or_behind' });
  });
});
