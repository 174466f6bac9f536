import type { INestApplicationContext } from '@nestjs/common';
import { PROJECTORS, Projector, ReplayResult, replayLog } from '@pat/application';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, ReadModel, ReadModelUnavailableError, SqliteReadModel } from '@pat/read-model';
import { sqliteErrorCode } from '@pat/shared';

/** The running API holds the embedded read model's lock (SQLITE_BUSY / SQLITE_LOCKED). */
function heldByAnotherProcess(error: unknown): boolean {
  if (!(error instanceof ReadModelUnavailableError)) return false;
  return /^SQLITE_(BUSY|LOCKED)/.test(sqliteErrorCode(error.cause) ?? '');
}

/**
 * For read-only commands: the live read model when it can be opened (MongoDB always; the
 * embedded one while no API runs), otherwise — the running API owns the embedded one — a replay
 * of the event log into memory, which gives the same documents (verify-read-model checks that).
 * Says so on stderr, so stdout stays the answer alone.
 */
export async function withReadModel<T>(
  context: INestApplicationContext,
  work: (readModel: ReadModel) => Promise<T>,
): Promise<T> {
  const live = context.get<ReadModel>(READ_MODEL);
  try {
    await live.ping();
  } catch (error) {
    if (!heldByAnotherProcess(error)) throw error;
    return withReplayedReadModel(context, (scratch, replayed) => {
      process.stderr.write(
        `The read model is in use by the running API: answering from a replay of ` +
          `${replayed.events} events of the event log\n`,
      );
      return work(scratch);
    });
  }
  return work(live);
}

/** The event log replayed into a scratch read model in memory, for `work`; closed after it. */
export async function withReplayedReadModel<T>(
  context: INestApplicationContext,
  work: (scratch: ReadModel, replayed: ReplayResult) => Promise<T>,
): Promise<T> {
  const scratch = new SqliteReadModel({ filename: ':memory:' });
  try {
    const replayed = await replayLog(
      context.get<EventStore>(EVENT_STORE),
      scratch,
      context.get<Projector[]>(PROJECTORS),
    );
    return await work(scratch, replayed);
  } finally {
    await scratch.close();
  }
}
