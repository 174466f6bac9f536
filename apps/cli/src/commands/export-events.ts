import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { EVENT_STORE, EventStore } from '@pat/event-store';
import { matches, parseEventTypes } from '@pat/audit';
import { withContext } from '../cli.module';
import { scrubbedJson } from '../output';

export const exportEventsCommand = new Command('export-events')
  .description(
    'Write the event log as NDJSON, one recorded event per line, in log order. Complete records: ' +
      'they include password hashes, so keep exports as safe as the event store itself.',
  )
  .option('--after <position>', 'only events after this position')
  .option('--type <types>', 'only these event types, comma-separated')
  .option('--user <userId>', 'only events about this user')
  .option('--token <tokenId>', 'only the events of this token')
  .option('-o, --out <file>', 'write to this file instead of standard output')
  .action(
    async (options: {
      after?: string;
      type?: string;
      user?: string;
      token?: string;
      out?: string;
    }) => {
      // Checked before the output file is created: a typo names the known types, never an
      // empty export that looks like an empty log.
      const types =
        options.type === undefined ? undefined : parseEventTypes(options.type, '--type');
      const out = options.out ? createWriteStream(options.out) : process.stdout;
      const filter = {
        types,
        userId: options.user,
        tokenId: options.token,
      };
      await withContext(async (context) => {
        const eventStore = context.get<EventStore>(EVENT_STORE);
        let after = options.after ?? null;
        for (;;) {
          const page = await eventStore.readAll({ after, maxCount: 2000 });
          for (const event of page) {
            if (!matches(event, filter)) continue;
            if (!out.write(`${scrubbedJson(event)}\n`)) await once(out, 'drain');
          }
          if (page.length < 2000) break;
          after = page[page.length - 1].position;
        }
      });
      if (out !== process.stdout) {
        out.end();
        await once(out, 'finish');
      }
    },
  );
