import { join } from 'node:path';
import { ReadModelDifference, compareReadModels, replayLog } from '@pat/application';
import { ALL_PROJECTORS } from '@pat/backends';
import { Position, RecordedEvent, SqliteEventStore } from '@pat/event-store';
import { ReadModel, SqliteReadModel } from '@pat/read-model';
import Database from 'better-sqlite3';
import { backendEnvironment } from '../support/test-app';
import type { HttpClient } from '../support/spawn-server';

/** The reliability suites read the event log from DATA_DIR/events.sqlite (the embedded log). */
export const usesEmbeddedEventLog = !process.env.EVENTSTORE_CONNECTION_STRING;

export const eventLogFile = (dataDir: string) => join(dataDir, 'events.sqlite');

/** Position of the last event in the log, read beside a running server (WAL allows readers). */
export function lastLogPosition(dataDir: string): Position | null {
  const db = new Database(eventLogFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT MAX(position) AS position FROM events').get() as {
      position: number | null;
    };
    return row.position === null ? null : String(row.position);
  } finally {
    db.close();
  }
}

export interface ProjectionReadiness {
  readonly status: number;
  readonly caughtUp: boolean;
  readonly position: Position | null;
  readonly logPosition: Position | null;
}

/** `GET /health/ready`'s projection details beside the log's last position. */
export async function projectionReadiness(
  client: HttpClient,
  dataDir: string,
): Promise<ProjectionReadiness> {
  const logPosition = lastLogPosition(dataDir);
  const response = await client.get('/health/ready');
  const body = response.json<{
    details?: { projection?: { caughtUp?: boolean; position?: Position | null } };
  }>();
  const projection = body.details?.projection ?? {};
  return {
    status: response.status,
    caughtUp: projection.caughtUp === true,
    position: projection.position ?? null,
    logPosition,
  };
}

/**
 * Polls until the projection has applied the last event of the log (ready, caught up, position
 * equal to the log's last position, twice in a row 100 ms apart so late usage-trail appends are
 * seen). Resolves with the last readiness seen, or throws with it after the timeout.
 */
export async function waitForProjectionAtLogEnd(
  client: HttpClient,
  dataDir: string,
  timeoutMs = 15_000,
): Promise<ProjectionReadiness & { waitedMs: number }> {
  const started = Date.now();
  let last: ProjectionReadiness | null = null;
  let streak = 0;
  while (Date.now() - started < timeoutMs) {
    last = await projectionReadiness(client, dataDir);
    const atEnd =
      last.status === 200 &&
      last.caughtUp &&
      last.position === last.logPosition &&
      lastLogPosition(dataDir) === last.logPosition;
    streak = atEnd ? streak + 1 : 0;
    if (streak >= 2) return { ...last, waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the projection did not reach the end of the log in ${timeoutMs} ms: ${JSON.stringify(last)}`,
  );
}

/** The whole log, in position order (the server should be stopped or idle). */
export async function readWholeLog(dataDir: string): Promise<RecordedEvent[]> {
  const store = new SqliteEventStore({ filename: eventLogFile(dataDir) });
  try {
    const events: RecordedEvent[] = [];
    let after: Position | null = null;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 5000 });
      events.push(...page);
      if (page.length < 5000) return events;
      after = page[page.length - 1].position;
    }
  } finally {
    await store.close();
  }
}

/**
 * What must hold of any log, however the writer died: no two events share an id, every
 * stream's revisions are 0..n-1, and every token stream starts with its one TokenCreated and
 * has at most one TokenRevoked. Returns one line per violation (empty: all good).
 */
export function logViolations(events: readonly RecordedEvent[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, number>();
  for (const event of events) ids.set(event.id, (ids.get(event.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) problems.push(`event id ${id} appears ${count}×`);

  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamName) ?? [];
    stream.push(event);
    streams.set(event.streamName, stream);
  }
  for (const [name, stream] of streams) {
    const revisions = stream.map((e) => e.revision);
    if (revisions.some((revision, index) => revision !== index)) {
      problems.push(`${name}: revisions ${revisions.join(',')} are not 0..${stream.length - 1}`);
    }
    if (!name.startsWith('token-') || name === 'token-policy') continue;
    const created = stream.filter((e) => e.type === 'TokenCreated').length;
    const revoked = stream.filter((e) => e.type === 'TokenRevoked').length;
    if (created !== 1 || stream[0].type !== 'TokenCreated') {
      problems.push(`${name}: ${created} TokenCreated, first event ${stream[0].type}`);
    }
    if (revoked > 1) problems.push(`${name}: ${revoked} TokenRevoked`);
    const tokenId = name.slice('token-'.length);
    for (const event of stream) {
      const data = event.data as { tokenId?: string };
      if (data.tokenId !== tokenId) {
        problems.push(`${name}: ${event.type} at ${event.revision} is about ${data.tokenId}`);
      }
    }
  }
  return problems;
}

/** Opens the live read model of a stopped server (SQLite file, or its Mongo database). */
export async function openLiveReadModel(dataDir: string): Promise<ReadModel> {
  const mongo = backendEnvironment(dataDir).MONGODB_URI;
  if (mongo) {
    const { MongoReadModel } = await import('@pat/read-model/mongo/mongo-read-model');
    return MongoReadModel.connect(mongo);
  }
  return new SqliteReadModel({ filename: join(dataDir, 'read-model.sqlite') });
}

/** Differences between the live read model and a fresh replay of the whole log. */
export async function compareWithReplay(
  dataDir: string,
): Promise<{ events: number; differences: ReadModelDifference[] }> {
  const store = new SqliteEventStore({ filename: eventLogFile(dataDir) });
  const replayed = new SqliteReadModel({ filename: ':memory:' });
  const live = await openLiveReadModel(dataDir);
  try {
    const { events } = await replayLog(store, replayed, ALL_PROJECTORS);
    return { events, differences: await compareReadModels(replayed, live) };
  } finally {
    await Promise.all([store.close(), replayed.close(), live.close()]);
  }
}

/** Median of the values (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---- Per-token facts of a log, for the suites that compare answers with what was recorded ----

/** Ids of the tokens whose stream holds a TokenRevoked. */
export function revokedTokenIds(events: readonly RecordedEvent[]): Set<string> {
  return new Set(
    events
      .filter((e) => e.type === 'TokenRevoked')
      .map((e) => (e.data as { tokenId: string }).tokenId),
  );
}

/** The TokenCreated events of the log by token name (a name used once should have one). */
export function creationsByName(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const byName = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (event.type !== 'TokenCreated') continue;
    const name = (event.data as { name: string }).name;
    byName.set(name, [...(byName.get(name) ?? []), event]);
  }
  return byName;
}
