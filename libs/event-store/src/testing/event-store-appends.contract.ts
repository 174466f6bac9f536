import { WrongExpectedRevisionError } from '../event-store.port';
import { EventStoreSuite, event, metadata, uniqueStream } from './event-store-contract-fixtures';

/** Appends: expected revisions, concurrent writers, durability. */
export function describeAppends(suite: EventStoreSuite): void {
  it('appends to a new stream and reads it back in order with data and metadata', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    const result = await store.appendToStream(
      stream,
      [event('A', { n: 1 }), event('B', { n: 2 }), event('C', { n: 3 })],
      { expectedRevision: 'no_stream' },
    );
    expect(result.nextExpectedRevision).toBe(2);
    const events = await store.readStream(stream);
    expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
      ['A', 0, { n: 1 }],
      ['B', 1, { n: 2 }],
      ['C', 2, { n: 3 }],
    ]);
    expect(events[0].metadata).toEqual(metadata);
    expect(events.every((e) => e.streamName === stream)).toBe(true);
    expect(result.position).toBe(events[2].position);
  });

  it('appends at the exact expected revision', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
    const second = await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
    expect(second.nextExpectedRevision).toBe(1);
    await store.appendToStream(stream, [event('C')], { expectedRevision: 'stream_exists' });
    await store.appendToStream(stream, [event('D')], { expectedRevision: 'any' });
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('refuses appends whose expected revision is wrong, writing nothing', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
    await expect(
      store.appendToStream(stream, [event('X')], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(
      store.appendToStream(stream, [event('X')], { expectedRevision: 5 }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(
      store.appendToStream(uniqueStream(), [event('X')], { expectedRevision: 0 }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(
      store.appendToStream(uniqueStream(), [event('X')], { expectedRevision: 'stream_exists' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
  });

  it('lets exactly one of many concurrent appends at the same revision win', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.appendToStream(stream, [event('B', { i })], { expectedRevision: 0 }),
      ),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const failure of lost) {
      expect(failure.reason).toBeInstanceOf(WrongExpectedRevisionError);
    }
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('lets exactly one of two concurrent creations of a stream win', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    const attempts = await Promise.allSettled([
      store.appendToStream(stream, [event('First')], { expectedRevision: 'no_stream' }),
      store.appendToStream(stream, [event('Second')], { expectedRevision: 'no_stream' }),
    ]);
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('appends with expectedRevision any to a new or an existing stream', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A')], { expectedRevision: 'any' });
    await store.appendToStream(stream, [event('B'), event('C')], { expectedRevision: 'any' });
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('keeps every appended event across close and reopen', async () => {
    let store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A', { kept: true }), event('B')], {
      expectedRevision: 'no_stream',
    });
    store = await suite.reopen();
    const events = await store.readStream(stream);
    expect(events.map((e) => [e.type, e.revision])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
    expect(events[0].data).toEqual({ kept: true });
    await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
    expect(await store.readStream(stream)).toHaveLength(3);
  });
}
