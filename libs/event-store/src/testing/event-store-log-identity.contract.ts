import {
  EventStoreSuite,
  SeparateLog,
  event,
  readWholeLog,
  uniqueStream,
} from './event-store-contract-fixtures';

/** The log identity: an id that never changes, and the head at the newest event. */
export function describeLogIdentity(
  suite: EventStoreSuite,
  createSeparateLog?: () => Promise<SeparateLog>,
): void {
  it('keeps its log id across close and reopen, with the head at the last append', async () => {
    let store = suite.store();
    const appended = await store.appendToStream(uniqueStream(), [event('A'), event('B')], {
      expectedRevision: 'no_stream',
    });
    const before = await store.logIdentity();
    expect(before.logId).toMatch(/\S/);
    expect(before.location).toMatch(/\S/);
    expect(before.head).toBe(appended.position);
    store = await suite.reopen();
    const after = await store.logIdentity();
    expect(after.logId).toBe(before.logId);
    expect(after.head).toBe(appended.position);
  });

  it('moves the head to the position of each new last event', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    const first = await store.appendToStream(stream, [event('A')], {
      expectedRevision: 'no_stream',
    });
    expect((await store.logIdentity()).head).toBe(first.position);
    const second = await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
    const { head } = await store.logIdentity();
    expect(head).toBe(second.position);
    expect(store.comparePositions(head!, first.position)).toBeGreaterThan(0);
  });

  if (createSeparateLog) {
    describe('on a log of its own', () => {
      let separate: SeparateLog;
      beforeEach(async () => {
        separate = await createSeparateLog();
      });
      afterEach(() => separate.dispose());

      it('has no head while empty, and an id different from the other log', async () => {
        const store = suite.store();
        const other = separate.open();
        const identity = await other.logIdentity();
        expect(identity.head).toBeNull();
        expect(identity.logId).not.toBe((await store.logIdentity()).logId);
        const appended = await other.appendToStream(uniqueStream(), [event('A')], {
          expectedRevision: 'no_stream',
        });
        const next = await other.logIdentity();
        expect(next.head).toBe(appended.position);
        expect(next.logId).toBe(identity.logId);
      });

      it('gives concurrent first callers on a new log the same id', async () => {
        const ids = await Promise.all(
          Array.from({ length: 4 }, () => separate.open().logIdentity()),
        );
        expect(new Set(ids.map((identity) => identity.logId)).size).toBe(1);
        // And the identity is no event of the log.
        expect(await readWholeLog(separate.open())).toEqual([]);
      });
    });
  }
}
