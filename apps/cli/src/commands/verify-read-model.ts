import { Command } from 'commander';
import { compareReadModels } from '@pat/application';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { withContext } from '../cli.module';
import { print } from '../output';
import { withReplayedReadModel } from '../read-model-source';

export const verifyReadModelCommand = new Command('verify-read-model')
  .description(
    'Replay the event log into a scratch read model and compare it with the live one; print ' +
      'each difference and exit non-zero on any. Best run while no commands are being written.',
  )
  .action(async () => {
    const differences = await withContext((context) =>
      withReplayedReadModel(context, async (scratch, replayed) => {
        const found = await compareReadModels(scratch, context.get<ReadModel>(READ_MODEL));
        for (const d of found) {
          const detail =
            d.kind === 'different'
              ? `fields ${d.fields.join(', ')}: expected ${JSON.stringify(pick(d.expected, d.fields))}, found ${JSON.stringify(pick(d.actual, d.fields))}`
              : d.kind === 'missing'
                ? 'missing from the live read model'
                : 'in the live read model but not in the log';
          print(`DIFF ${d.collection}/${d.id}: ${detail}`);
        }
        print(
          found.length === 0
            ? `OK: the read model matches a replay of ${replayed.events} events (position ${replayed.position ?? 'none'})`
            : `${found.length} difference(s) between the read model and a replay of ${replayed.events} events`,
        );
        return found.length;
      }),
    );
    if (differences > 0) process.exitCode = 1;
  });

function pick(doc: unknown, fields: string[]): Record<string, unknown> {
  const source = (doc ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, source[field] ?? null]));
}
