/**
 * Projection rebuild throughput: a fresh read model (an empty SQLite file, or an empty MongoDB
 * database) catching up with an existing event log through the product's ProjectionRunner and
 * the app's projectors (ALL_PROJECTORS), exactly as the app does at start.
 *
 * argv[2] is JSON: { dataDir, backend: 'embedded' | 'mongo', mongoUri?, probe }. Sends back the
 * events applied, the seconds from start() to caught-up, and whether the probes check out.
 */
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ProjectionRunner } from '@pat/application';
import { SqliteEventStore } from '@pat/event-store';
import { ReadModel, SqliteReadModel } from '@pat/read-model';
import { MongoReadModel } from '@pat/read-model/mongo/mongo-read-model';
import { runAsChild } from '../lib/children';
import { allProjectors } from '../lib/projectors';
import type { SeedResult } from './seed-events';

export interface RebuildOptions {
  readonly dataDir: string;
  readonly backend: 'embedded' | 'mongo';
  readonly mongoUri?: string;
  readonly probe: SeedResult['probe'];
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** CPU seconds (user + system) the rebuild took: below `seconds` means it waited on I/O. */
  readonly cpuSeconds: number;
  readonly rssMb: number;
}

async function main(): Promise<RebuildResult> {
  const options = JSON.parse(process.argv[2]) as RebuildOptions;
  Logger.overrideLogger(['error']);
  const eventStore = new SqliteEventStore({ filename: join(options.dataDir, 'events.sqlite') });
  const readModel: ReadModel =
    options.backend === 'mongo'
      ? await MongoReadModel.connect(options.mongoUri!)
      : new SqliteReadModel({ filename: join(options.dataDir, 'rebuilt-read-model.sqlite') });
  if ((await readModel.getCheckpoint('read-model')) !== null) {
    throw new Error('the read model to rebuild is not empty');
  }
  const runner = new ProjectionRunner(eventStore, readModel, allProjectors());

  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  await runner.start();
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { processed } = runner.status();

  // The rebuilt model must answer like the one the events describe.
  const active = await readModel.findTokenByHash(options.probe.activeHash);
  if (!active || active.revokedAt !== null) throw new Error('rebuild: active probe token wrong');
  if (options.probe.revokedHash) {
    const revoked = await readModel.findTokenByHash(options.probe.revokedHash);
    if (!revoked || revoked.revokedAt === null) throw new Error('rebuild: revoked probe wrong');
  }
  if (!(await readModel.findUserById(options.probe.userId))) throw new Error('rebuild: no user');

  const result: RebuildResult = {
    events: processed,
    seconds,
    eventsPerSecond: processed / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
  await runner.stop();
  await readModel.close();
  await eventStore.close();
  return result;
}

runAsChild(main);
