import { ReadModelChange, mergeChanges } from './read-model.port';

type Doc = Record<string, unknown> & { revision: number };

/** The revision guard, as both adapters implement it. */
function apply(store: Map<string, Doc>, changes: readonly ReadModelChange[]): void {
  for (const change of changes) {
    const current = store.get(change.id);
    if (current && current.revision >= change.revision) continue;
    store.set(change.id, { ...(current ?? {}), ...change.set, revision: change.revision });
  }
}

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('mergeChanges', () => {
  it('gives the same documents as applying the changes one by one, from any stored revision', () => {
    const next = random(42);
    for (let round = 0; round < 500; round++) {
      // A document's events in revision order, with overlapping fields.
      const fields = ['name', 'revokedAt', 'lastUsedAt', 'lastUsedIp'];
      const history: ReadModelChange[] = Array.from(
        { length: 1 + Math.floor(next() * 6) },
        (_, r) => ({
          collection: 'tokens',
          id: next() < 0.5 ? 'a' : 'b',
          revision: r,
          set: Object.fromEntries(
            fields.filter(() => next() < 0.5).map((field) => [field, `${field}-${r}`]),
          ),
        }),
      );
      // The stored state: some prefix of the history already applied.
      const prefix = Math.floor(next() * (history.length + 1));
      const one = new Map<string, Doc>();
      const merged = new Map<string, Doc>();
      apply(one, history.slice(0, prefix));
      apply(merged, history.slice(0, prefix));
      apply(one, history);
      apply(merged, mergeChanges(history));
      expect(merged).toEqual(one);
    }
  });

  it('writes each document once per batch', () => {
    const changes: ReadModelChange[] = [
      { collection: 'tokens', id: 'a', revision: 0, set: { name: 'x' } },
      { collection: 'users', id: 'a', revision: 0, set: { name: 'u' } },
      { collection: 'tokens', id: 'a', revision: 1, set: { revokedAt: 't' } },
    ];
    expect(mergeChanges(changes)).toEqual([
      { collection: 'tokens', id: 'a', revision: 1, set: { name: 'x', revokedAt: 't' } },
      { collection: 'users', id: 'a', revision: 0, set: { name: 'u' } },
    ]);
  });
});
