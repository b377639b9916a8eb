import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError } from '../errors.ts';
import { assertPattern, withArchive } from './open-archive.ts';

/** One followed event, as both sources give it. */
interface Followed {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: string;
  causedBy: string | null;
  /** Set on a redrive or replay read from a stream: the one group it was sent to. */
  onlyGroup?: string | undefined;
  data: unknown;
}

/** `wow events tail <pattern>`: events as they are published, until Ctrl-C (or `--count`). */
export function registerTail(events: Command, io: CliIo, setCode: (code: number) => void): void {
  events
    .command('tail')
    .description(
      "Follow the events of <pattern> as they are published, until Ctrl-C. On the Redis bus (REDIS_URL) it reads the streams with XREAD and joins no consumer group, so no agent loses anything to it; on the embedded defaults it follows WowEvent's archive, the in-process bus living inside `wow start`.",
    )
    .argument('<pattern>', 'an event type, a prefix ending in ".*" (support.*, github.pull_request.*) or "*"')
    .option(
      '--json',
      'print each event as one line of JSON: { id, type, source, subject, time, causedBy, onlyGroup, data }',
    )
    .option('--count <n>', 'stop after <n> events')
    .addHelpText(
      'after',
      "\nExit codes: 0 stopped (Ctrl-C or --count reached), 1 the bus or the database failed, 2 bad usage.\n\nExamples:\n  wow events tail 'support.*'\n  wow events tail github.pull_request.opened --json --count 1",
    )
    .action(async (pattern: string, opts: { json?: boolean; count?: string }) => {
      await assertPattern(pattern);
      const count = opts.count === undefined ? undefined : Number(opts.count);
      if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > 1_000_000))
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `--count must be a whole number from 1 to 1000000, got "${opts.count}"`,
        });
      const { escapeHiddenCharacters, hiddenCharacterPattern, loadConfig, tailStreams } = await import('#platform');
      const { patternMatches, tailArchive, topicMayMatch } = await import('../../agents/wowevent/src/index.ts');
      const shown = (text: string) => escapeHiddenCharacters(text, hiddenCharacterPattern());
      const config = loadConfig(io.env);
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      let printed = 0;
      const print = (e: Followed) => {
        if (controller.signal.aborted) return;
        io.stdout.write(
          opts.json === true
            ? `${JSON.stringify(e)}\n`
            : `${e.time}  ${e.type}  ${shown(e.source)}  ${shown(e.subject ?? '-')}  ${e.id}${e.onlyGroup === undefined ? '' : `  (sent again to ${e.onlyGroup} only)`}\n`,
        );
        if (count !== undefined && ++printed >= count) controller.abort();
      };
      try {
        if (config.redis.url !== undefined) {
          io.stderr.write(opts.json === true ? '' : `following ${pattern} on the Redis bus; Ctrl-C to stop\n`);
          await tailStreams({
            redisUrl: config.redis.url,
            keyPrefix: config.bus.keyPrefix,
            topic: (topic) => topicMayMatch(pattern, topic),
            type: (type) => patternMatches(pattern, type),
            signal: controller.signal,
            onEntry: ({ event, onlyGroup }) =>
              print({
                id: event.id,
                type: event.type,
                source: event.source,
                subject: event.subject ?? null,
                time: event.time,
                causedBy: event.causedby ?? null,
                onlyGroup,
                data: event.data,
              }),
          });
        } else {
          io.stderr.write(opts.json === true ? '' : `following ${pattern} in WowEvent's archive; Ctrl-C to stop\n`);
          await withArchive(io, (store) =>
            tailArchive({
              db: store,
              type: pattern,
              from: new Date(),
              signal: controller.signal,
              onEvent: (e) =>
                print({
                  id: e.id,
                  type: e.type,
                  source: e.source,
                  subject: e.subject,
                  time: e.time.toISOString(),
                  causedBy: e.causedBy,
                  data: e.data,
                }),
            }),
          );
        }
      } finally {
        process.removeListener('SIGINT', interrupt);
      }
      setCode(exitCodes.ok);
    });
}
