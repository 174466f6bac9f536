import {
  EventStoreSuite,
  event,
  readWholeLog,
  uniqueStream,
} from './event-store-contract-fixtures';

/** Reads: streams in part or whole, and the global log in position order. */
export function describeReads(suite: EventStoreSuite): void {
  it('reads a missing stream as empty', async () => {
    const store = suite.store();
    expect(await store.readStream(uniqueStream())).toEqual([]);
  });

  it('reads part of a stream: from a revision, at most a count', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(
      stream,
      ['A', 'B', 'C', 'D', 'E'].map((type) => event(type)),
      { expectedRevision: 'no_stream' },
    );
    const types = async (options: { fromRevision?: number; maxCount?: number }) =>
      (await store.readStream(stream, options)).map((e) => `${e.type}${e.revision}`);
    expect(await types({ fromRevision: 2 })).toEqual(['C2', 'D3', 'E4']);
    expect(await types({ maxCount: 2 })).toEqual(['A0', 'B1']);
    expect(await types({ fromRevision: 1, maxCount: 3 })).toEqual(['B1', 'C2', 'D3']);
    expect(await types({ fromRevision: 5 })).toEqual([]);
    expect(await types({ maxCount: 0 })).toEqual([]);
    expect(await store.readStream(uniqueStream(), { fromRevision: 3, maxCount: 1 })).toEqual([]);
  });

  it('orders the global log by strictly increasing positions across streams', async () => {
    const store = suite.store();
    const a = uniqueStream();
    const b = uniqueStream();
    await store.appendToStream(a, [event('A1')], { expectedRevision: 'no_stream' });
    await store.appendToStream(b, [event('B1'), event('B2')], { expectedRevision: 'no_stream' });
    await store.appendToStream(a, [event('A2')], { expectedRevision: 0 });
    const mine = (await readWholeLog(store)).filter(
      (e) => e.streamName === a || e.streamName === b,
    );
    expect(mine.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
    for (let i = 1; i < mine.length; i++) {
      expect(store.comparePositions(mine[i - 1].position, mine[i].position)).toBeLessThan(0);
    }
  });

  it('pages the global log from a position, exclusive', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')], {
      expectedRevision: 'no_stream',
    });
    const mine = (await readWholeLog(store)).filter((e) => e.streamName === stream);
    const page = await store.readAll({ after: mine[1].position, maxCount: 2 });
    expect(page.map((e) => e.type)).toEqual(['C', 'D']);
  });
}
