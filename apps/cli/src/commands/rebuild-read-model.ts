import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { PROJECTORS, Projector, countEvents, replayLog } from '@pat/application';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { withContext } from '../cli.module';
import { print } from '../output';

export const rebuildReadModelCommand = new Command('rebuild-read-model')
  .description(
    'Drop the read model and replay the whole event log into it. Stop the API instances first: ' +
      'they would keep projecting meanwhile.',
  )
  .option('--no-progress', 'no progress bar (for logs)')
  .action(async (options: { progress: boolean }) => {
    await withContext(async (context) => {
      const eventStore = context.get<EventStore>(EVENT_STORE);
      const readModel = context.get<ReadModel>(READ_MODEL);
      const projectors = context.get<Projector[]>(PROJECTORS);
      const total = await countEvents(eventStore);
      const log = await eventStore.logIdentity();
      await readModel.clear();
      // Rebuilt from this log, so bound to it (clear() removed any previous binding).
      await readModel.bindToLog(log.logId);
      const started = process.hrtime.bigint();
      const perSecond = (events: number) =>
        Math.round(events / (Number(process.hrtime.bigint() - started) / 1e9 || 1e-9));
      const progress = options.progress ? progressReporter(total) : null;
      const result = await replayLog(eventStore, readModel, projectors, (events) =>
        progress?.update(events, perSecond(events)),
      );
      progress?.stop();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      print(
        `Rebuilt the read model from ${result.events} events in ${seconds.toFixed(2)} s ` +
          `(${perSecond(result.events)} events/s); final position ${result.position ?? 'none'}`,
      );
    });
  });

const LINE_EVERY_MS = 1000;

/**
 * A bar on a terminal; anywhere else (a log file, a pipe, CI) a plain line at most once a
 * second: a bar's carriage returns and escape codes would litter the log.
 */
function progressReporter(total: number): {
  update(events: number, eps: number): void;
  stop(): void;
} {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: 'Replaying [{bar}] {percentage}% | {value}/{total} events | {eps} events/s' },
      Presets.shades_classic,
    );
    bar.start(total, 0, { eps: 0 });
    return { update: (events, eps) => bar.update(events, { eps }), stop: () => bar.stop() };
  }
  process.stderr.write(`Replaying ${total} events\n`);
  let last = Date.now();
  return {
    update(events, eps) {
      if (Date.now() - last < LINE_EVERY_MS && events < total) return;
      last = Date.now();
      process.stderr.write(`Replayed ${events}/${total} events (${eps} events/s)\n`);
    },
    stop: () => undefined,
  };
}
