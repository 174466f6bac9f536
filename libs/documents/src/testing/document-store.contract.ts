import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '../document-store.port';

export interface DocumentStoreHarness {
  readonly store: DocumentStore;
  /** Closes the store and opens a new one on the same storage. */
  reopen(): Promise<DocumentStore>;
  dispose(): Promise<void>;
}

/** One contract for every adapter (SQLite file, MongoDB): what read models may rely on. */
export function describeDocumentStoreContract(
  adapterName: string,
  createHarness: () => Promise<DocumentStoreHarness>,
): void {
  describe(`DocumentStore contract: ${adapterName}`, () => {
    let harness: DocumentStoreHarness;
    let store: DocumentStore;
    // Unique per test, so suites can share a MongoDB database.
    let items: string;
    let checkpoint: string;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
      items = `items_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      checkpoint = `contract-${randomUUID()}`;
      await store.declare([
        { name: items, indexes: [{ fields: ['owner'] }, { fields: ['owner', 'at'] }] },
      ]);
    });
    afterEach(() => harness.dispose());

    const at = (position: string) => ({ name: checkpoint, position });

    it('upserts under the revision guard and stores the checkpoint with the changes', async () => {
      expect(await store.readCheckpoint(checkpoint)).toBeNull();
      const first = { owner: 'u1', at: '2026-01-01', open: true };
      expect(
        await store.apply([{ collection: items, id: 'a', revision: 0, set: first }], at('10')),
      ).toBe(1);
      expect(await store.get(items, 'a')).toEqual({ id: 'a', revision: 0, ...first });
      expect(await store.readCheckpoint(checkpoint)).toBe('10');
      // Older or equal revisions are skipped; a newer one merges its fields in.
      const change = (revision: number, set: Record<string, string | boolean>) => [
        { collection: items, id: 'a', revision, set },
      ];
      expect(await store.apply(change(0, { owner: 'x' }), at('11'))).toBe(0);
      expect(await store.apply(change(2, { open: false }), at('12'))).toBe(1);
      expect(await store.apply(change(1, { owner: 'stale' }), at('13'))).toBe(0);
      expect(await store.get(items, 'a')).toEqual({ id: 'a', revision: 2, ...first, open: false });
      expect(await store.readCheckpoint(checkpoint)).toBe('13');
      expect(await store.get(items, 'missing')).toBeNull();
    });

    it('merges the changes of one batch to one write per document', async () => {
      const applied = await store.apply(
        [
          { collection: items, id: 'b', revision: 0, set: { owner: 'u1', open: true } },
          { collection: items, id: 'b', revision: 1, set: { open: false } },
          { collection: items, id: 'c', revision: 0, set: { owner: 'u2', open: true } },
        ],
        at('1'),
      );
      expect(applied).toBe(2);
      expect(await store.get(items, 'b')).toMatchObject({ owner: 'u1', open: false, revision: 1 });
    });

    it('finds and counts by equality and range, sorted and limited', async () => {
      await store.apply(
        ['2026-01-03', '2026-01-01', '2026-01-02', '2026-01-04'].map((day, i) => ({
          collection: items,
          id: `d${i}`,
          revision: 0,
          set: { owner: i < 3 ? 'u1' : 'u2', at: day, open: i !== 2, note: null },
        })),
        at('1'),
      );
      const ids = (docs: Array<{ id: string }>) => docs.map((doc) => doc.id);
      const byDay = { sort: [['at', 1]] as const };
      expect(ids(await store.find(items, { owner: 'u1' }, byDay))).toEqual(['d1', 'd2', 'd0']);
      expect(
        ids(await store.find(items, { owner: 'u1' }, { sort: [['at', -1]], limit: 2 })),
      ).toEqual(['d0', 'd2']);
      expect(ids(await store.find(items, { at: { gt: '2026-01-02' } }, byDay))).toEqual([
        'd0',
        'd3',
      ]);
      expect(ids(await store.find(items, { at: { lt: '2026-01-02' } }))).toEqual(['d1']);
      expect(await store.count(items, { owner: 'u1', open: true })).toBe(2);
      expect(await store.count(items, { open: false })).toBe(1);
      expect(await store.count(items, { note: null })).toBe(4);
      expect(await store.count(items, {})).toBe(4);
      expect(ids(await store.find(items, { id: 'd3' }))).toEqual(['d3']);
      // A value is only ever a value, never an operator or a path.
      expect(await store.count(items, { owner: '{"$ne":null}' })).toBe(0);
    });

    it('refuses names that are not plain and changes that set id or revision', async () => {
      await expect(store.find('x; DROP TABLE y', {})).rejects.toThrow(RangeError);
      await expect(store.count(items, { 'a.b': 1 })).rejects.toThrow(RangeError);
      await expect(
        store.apply([{ collection: items, id: 'e', revision: 0, set: { revision: 9 } }], at('1')),
      ).rejects.toThrow(RangeError);
      expect(await store.get(items, 'e')).toBeNull();
    });

    it('keeps documents and checkpoints across reopen, and forgets them on reset', async () => {
      await store.apply(
        [{ collection: items, id: 'f', revision: 3, set: { owner: 'u9' } }],
        at('42'),
      );
      store = await harness.reopen();
      await store.declare([{ name: items, indexes: [{ fields: ['owner'] }] }]);
      expect(await store.get(items, 'f')).toEqual({ id: 'f', revision: 3, owner: 'u9' });
      expect(await store.readCheckpoint(checkpoint)).toBe('42');
      await store.reset([items], checkpoint);
      expect(await store.get(items, 'f')).toBeNull();
      expect(await store.readCheckpoint(checkpoint)).toBeNull();
    });
  });
}
