import { WrongExpectedRevisionError } from '../event-store.port';
import {
  EventStoreSuite,
  event,
  readWholeLog,
  uniqueStream,
} from './event-store-contract-fixtures';

/** The write probe and the write-failure listeners. */
export function describeWriteProbe(suite: EventStoreSuite): void {
  it('proves it can write with a probe that adds no event to the log', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('Before')], { expectedRevision: 'no_stream' });
    const before = await readWholeLog(store);
    const failures: unknown[] = [];
    const stopListening = store.onWriteFailure((error) => failures.push(error));
    try {
      await store.probeWrite();
      await store.probeWrite();
    } finally {
      stopListening();
    }
    await store.appendToStream(stream, [event('After')], { expectedRevision: 0 });
    const after = await readWholeLog(store);
    expect(after.map((e) => e.id)).toEqual([...before.map((e) => e.id), after.at(-1)?.id]);
    expect(after.at(-1)?.type).toBe('After');
    expect(failures).toEqual([]);
  });

  it('does not report a revision conflict as a write failure', async () => {
    const store = suite.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
    const failures: unknown[] = [];
    const stopListening = store.onWriteFailure((error) => failures.push(error));
    try {
      await expect(
        store.appendToStream(stream, [event('X')], { expectedRevision: 'no_stream' }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    } finally {
      stopListening();
    }
    expect(failures).toEqual([]);
  });
}
