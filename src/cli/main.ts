/**
 * The `vigil` command line: parses arguments (commander), validates them, and
 * hands each command its typed options. Exit codes: 0 success, 1 runtime
 * failure, 2 usage or configuration error.
 */
import { Command, InvalidArgumentError } from 'commander';
import { VigilError } from '../errors.js';
import { FORMAT_NAMES } from '../events/formats/index.js';
import { createLogger } from '../logging.js';
import { SCENARIOS, type ScenarioName } from '../simulator/labels.js';
import { VENDOR_FORMATS } from '../simulator/vendor-encode.js';
import { registerAuditCommands } from './audit.js';
import { demo } from './demo.js';
import { registerIdentityCommands } from './identity.js';
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
    .description(
      'embedded default: simulator → engine → NDJSON outputs and DIR/vigil.db, with a live summary',
    )
    .option('--out <dir>', 'output directory', '.vigil/demo')
    .option('--rate <n>', 'simulated events per second', positiveInt, 3000)
    .option('--seed <n>', 'simulator seed', integer, 42)
    .option('--duration <s>', 'stop after this many seconds', positiveInt)
    .option('--events <n>', 'stop after this many events', positiveInt)
    .option('--port <n>', 'API port (SSF metadata, JWKS, poll, /v1/check) on 127.0.0.1', integer, 8080)
    .action(async (o) => {
      await demo(
        { out: o.out, rate: o.rate, seed: o.seed, durationS: o.duration, events: o.events, port: o.port },
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
    .option(
      '--features-out <file>',
      'also write feature rows + labels (NDJSON) for bench/iforest.ts --features',
    )
    .option(
      '--features-kind <kind>',
      'rows for --features-out (auth|service)',
      format(['auth', 'service']),
      'auth',
    )
    .option('--metrics-out <file>', 'effectiveness metrics JSON (default: OUT/metrics.json)')
    .action(async (o) => {
      const result = await replay({
        input: o.input,
        format: o.format,
        out: o.out,
        pipeline: o.pipeline,
        labels: o.labels,
        batchSize: o.batch,
        featuresOut: o.featuresOut,
        featuresKind: o.featuresKind,
        metricsOut: o.metricsOut,
      });
      process.stdout.write(`${formatReplaySummary(result)}\n`);
    });

  program
    .command('train')
    .description(
      'train models from a file: baselines over the input, then one Isolation Forest per event kind',
    )
    .requiredOption('--input <file>', 'NDJSON input')
    .option('--format <name>', `input format (${FORMAT_NAMES.join('|')})`, format(FORMAT_NAMES), 'canonical')
    .option(
      '--model <name>',
      'model to train (if = Isolation Forest, lstm = sequence model)',
      format(['if', 'lstm']),
      'if',
    )
    .option('--epochs <n>', 'lstm: maximum training epochs (early stopping may end sooner)', positiveInt)
    .option('--seed <n>', 'lstm: random seed', integer)
    .option('--out <dir>', 'model directory (default: models.iforest.directory of --pipeline, or models)')
    .option('--pipeline <file>', 'take baseline, detector and model settings from this pipeline')
    .option('--sample <n>', 'training rows kept per event kind', positiveInt, 100_000)
    .action(async (o) => {
      if (o.model === 'lstm') {
        const { formatTrainLstmSummary, trainLstmCommand } = await import('./train-lstm.js');
        const trained = await trainLstmCommand({
          input: o.input,
          format: o.format,
          out: o.out,
          pipeline: o.pipeline,
          training: {
            ...(o.epochs ? { epochs: o.epochs } : {}),
            ...(o.seed !== undefined ? { seed: o.seed } : {}),
          },
        });
        process.stdout.write(`${formatTrainLstmSummary(trained)}\n`);
        return;
      }
      const { formatTrainSummary, train } = await import('./train.js');
      const result = await train({
        input: o.input,
        format: o.format,
        model: o.model,
        out: o.out,
        pipeline: o.pipeline,
        sample: o.sample,
      });
      process.stdout.write(`${formatTrainSummary(result)}\n`);
    });

  program
    .command('simulate')
    .description('write realistic traffic with labelled attacks (labels in FILE.labels.ndjson)')
    .requiredOption('--out <file>', 'NDJSON output file')
    .option('--events <n>', 'number of events', positiveInt, 100_000)
    .option('--seed <n>', 'random seed', integer, 42)
    .option(
      '--format <name>',
      'canonical|ocsf|okta|entra|windows|envoy|mixed (vendor renderings: replay with --format auto)',
      format(['canonical', 'ocsf', ...VENDOR_FORMATS]),
      'canonical',
    )
    .option('--no-attacks', 'normal traffic only')
    .option(
      '--scenarios <names>',
      `comma-separated scenarios to inject (default: the standard set); known: ${SCENARIOS.join(', ')}`,
      (value: string) => value.split(',').map((name) => name.trim()) as ScenarioName[],
    )
    .option(
      '--directory-out <file>',
      'also write the simulated identity directory (department, title, manager): .csv, .json or NDJSON',
    )
    .option(
      '--intel-dir <dir>',
      'also write the threat-intel lists the simulated world implies (Tor exits, hosting, corporate egress)',
    )
    .action(async (o) => {
      await simulateCommand({
        out: o.out,
        events: o.events,
        seed: o.seed,
        format: o.format,
        attacks: o.attacks,
        scenarios: o.scenarios,
        directoryOut: o.directoryOut,
        intelDir: o.intelDir,
      });
    });

  program
    .command('bench')
    .description('throughput and latency benchmark of the full pipeline on a fixed simulator set')
    .option('--events <n>', 'events to replay', positiveInt, 200_000)
    .option('--seed <n>', 'simulator seed', integer, 7)
    .option('--batch <n>', 'records per micro-batch', positiveInt, 4096)
    .option('--iforest', 'also run the Isolation Forest stage (trained in the stream)')
    .option('--lstm', 'also run the LSTM scorer (a small model is trained first on a clean simulation)')
    .option('--lstm-model <dir>', 'with the LSTM: load this trained model directory instead of training one')
    .action(async (o) => {
      const { benchPipeline } = await import('../../bench/pipeline.js');
      const result = await benchPipeline(
        {
          events: o.events,
          seed: o.seed,
          batch: o.batch,
          format: 'canonical',
          iforest: o.iforest === true,
          lstm: o.lstm === true || o.lstmModel !== undefined,
          lstmModel: o.lstmModel,
        },
        (line) => process.stderr.write(`${line}\n`),
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  registerAuditCommands(program, (code) => {
    exitCode = code;
  });

  registerIdentityCommands(program, (code) => {
    exitCode = code;
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
