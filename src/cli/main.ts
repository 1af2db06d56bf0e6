/**
 * The `vigil` command line: parses arguments (commander), validates them, and
 * hands each command its typed options. Exit codes: 0 success, 1 runtime
 * failure, 2 usage or configuration error.
 */
import { Command, InvalidArgumentError } from 'commander';
import { VigilError } from '../errors.js';
import { FORMAT_NAMES } from '../events/formats/index.js';
import { createLogger } from '../logging.js';
import { demo } from './demo.js';
import { formatReplaySummary, replay } from './replay.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
};
const format = (allowed: readonly string[]) => (value: string) => {
  if (!allowed.includes(value)) throw new InvalidArgumentError(`must be one of: ${allowed.join(', ')}`);
  return value;
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command('vigil')
    .description('Streaming behavioural analytics (UEBA / ITDR) for zero-trust environments')
    .option('--log-level <level>', 'log level (fatal, error, warn, info, debug)', 'info')
    .showHelpAfterError();
  const logger = () => createLogger(program.opts().logLevel);
  let exitCode = 0;

  program
    .command('demo')
    .description('embedded default: simulator → engine → NDJSON outputs, with a live summary')
    .option('--out <dir>', 'output directory', '.vigil/demo')
    .option('--rate <n>', 'simulated events per second', positiveInt, 3000)
    .option('--seed <n>', 'simulator seed', integer, 42)
    .option('--duration <s>', 'stop after this many seconds', positiveInt)
    .option('--events <n>', 'stop after this many events', positiveInt)
    .action(async (o) => {
      await demo(
        { out: o.out, rate: o.rate, seed: o.seed, durationS: o.duration, events: o.events },
        logger(),
      );
    });

  program
    .command('run')
    .description('run a pipeline file (pipelines/*.yaml)')
    .requiredOption('--pipeline <file>', 'pipeline YAML')
    .option('--duration <s>', 'stop after this many seconds', positiveInt)
    .action(async (o) => {
      await runCommand(o.pipeline, logger(), o.duration);
    });

  program
    .command('replay')
    .description('score a file offline, deterministically; writes scores, alerts and dead letters')
    .requiredOption('--input <file>', 'NDJSON input')
    .option('--format <name>', `input format (${FORMAT_NAMES.join('|')})`, format(FORMAT_NAMES), 'canonical')
    .requiredOption('--out <dir>', 'output directory')
    .option('--pipeline <file>', 'take detector, baseline and risk settings from this pipeline')
    .option('--labels <file>', 'attack labels (default: INPUT.labels.ndjson when present)')
    .option('--batch <n>', 'records per micro-batch', positiveInt)
    .action(async (o) => {
      const result = await replay({
        input: o.input,
        format: o.format,
        out: o.out,
        pipeline: o.pipeline,
        labels: o.labels,
        batchSize: o.batch,
      });
      process.stdout.write(`${formatReplaySummary(result)}\n`);
    });

  program
    .command('simulate')
    .description('write realistic traffic with labelled attacks (labels in FILE.labels.ndjson)')
    .requiredOption('--out <file>', 'NDJSON output file')
    .option('--events <n>', 'number of events', positiveInt, 100_000)
    .option('--seed <n>', 'random seed', integer, 42)
    .option('--format <name>', 'canonical|ocsf', format(['canonical', 'ocsf']), 'canonical')
    .option('--no-attacks', 'normal traffic only')
    .action(async (o) => {
      await simulateCommand({
        out: o.out,
        events: o.events,
        seed: o.seed,
        format: o.format,
        attacks: o.attacks,
      });
    });

  program
    .command('bench')
    .description('throughput and latency benchmark of the full pipeline on a fixed simulator set')
    .option('--events <n>', 'events to replay', positiveInt, 200_000)
    .option('--seed <n>', 'simulator seed', integer, 7)
    .option('--batch <n>', 'records per micro-batch', positiveInt, 4096)
    .action(async (o) => {
      const { benchPipeline } = await import('../../bench/pipeline.js');
      const result = await benchPipeline(
        { events: o.events, seed: o.seed, batch: o.batch, format: 'canonical' },
        (line) => process.stderr.write(`${line}\n`),
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof VigilError) {
      process.stderr.write(`vigil: ${error.message} [${error.code}]\n`);
      exitCode = 2;
    } else {
      throw error;
    }
  }
  return exitCode;
}
