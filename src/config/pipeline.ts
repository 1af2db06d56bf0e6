/**
 * Pipeline configuration: one YAML file in pipelines/ describes a source, its
 * input format, batching, baseline settings, detectors and their
 * parameters, risk weights, alerting and sinks. The schema below is the one
 * source of truth; it is validated at load and every error names the
 * offending key (e.g. `detectors.brute_force.min_failures`). Nothing deeper in
 * the engine reads files or the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_BASELINE } from '../baseline/config.js';
import { DETECTORS } from '../detectors/index.js';
import { errors } from '../errors.js';
import { FORMAT_NAMES } from '../events/formats/index.js';
import { IntelSchema } from '../intel/config.js';
import { PeersSchema } from '../peers/config.js';
import { PrivacySchema } from '../privacy/config.js';
import { PolicySchema, riskAccumulationProperties } from '../risk/policy-config.js';
import { ApiSchema, SignalsSchema } from '../signals/config.js';
import { SCENARIOS } from '../simulator/labels.js';
import { CheckpointSchema, ClickHouseSinkSchema, KafkaSinkSchema, KafkaSourceSchema } from './production.js';
import { SqliteSinkSchema } from './sqlite.js';

const formatName = Type.String({
  default: 'canonical',
  description: `input format: ${FORMAT_NAMES.join(', ')}`,
});

const SimulatorSource = Type.Object(
  {
    type: Type.Literal('simulator'),
    format: Type.Optional(formatName),
    seed: Type.Integer({ default: 42 }),
    events: Type.Optional(
      Type.Integer({ minimum: 1, description: 'stop after this many events (default: run until stopped)' }),
    ),
    rate: Type.Number({ default: 2000, minimum: 1, description: 'events per second the simulator emits' }),
    users: Type.Optional(
      Type.Integer({ minimum: 1, description: 'simulated people (default scales with events)' }),
    ),
    workloads: Type.Optional(Type.Integer({ minimum: 1, description: 'simulated workloads' })),
    scenarios: Type.Optional(
      Type.Array(Type.Union(SCENARIOS.map((name) => Type.Literal(name))), {
        minItems: 1,
        description: 'attack scenarios to inject (default: the standard set)',
      }),
    ),
  },
  { additionalProperties: false },
);

const FileSource = Type.Object(
  {
    type: Type.Literal('file'),
    path: Type.String({ minLength: 1 }),
    format: formatName,
  },
  { additionalProperties: false },
);

const NdjsonSink = Type.Object(
  {
    type: Type.Literal('ndjson'),
    path: Type.String({ minLength: 1 }),
    append: Type.Boolean({
      default: true,
      description: 'append to an existing file instead of truncating it',
    }),
  },
  { additionalProperties: false },
);

const Caps = Type.Object(
  Object.fromEntries(
    Object.entries(DEFAULT_BASELINE.caps).map(([name, value]) => [
      name,
      Type.Integer({ default: value, minimum: 1, maximum: 256 }),
    ]),
  ),
  { additionalProperties: false, default: {} },
);

const Baseline = Type.Object(
  {
    mature_events: Type.Integer({ default: DEFAULT_BASELINE.matureEvents, minimum: 1 }),
    mature_days: Type.Number({ default: DEFAULT_BASELINE.matureDays, minimum: 0 }),
    half_life_days: Type.Number({ default: DEFAULT_BASELINE.halfLifeDays, exclusiveMinimum: 0 }),
    ewma_alpha: Type.Number({ default: DEFAULT_BASELINE.ewmaAlpha, exclusiveMinimum: 0, maximum: 1 }),
    learn_below_risk: Type.Number({
      default: 50,
      minimum: 0,
      maximum: 100,
      description: 'events at or above this risk do not teach the baseline (poisoning resistance)',
    }),
    max_identities: Type.Integer({ default: 1_000_000, minimum: 1 }),
    caps: Caps,
  },
  { additionalProperties: false, default: {} },
);

function detectorSettingsSchema(params: TObject): TSchema {
  return Type.Object(
    { enabled: Type.Boolean({ default: true }), ...params.properties },
    { additionalProperties: false, default: {} },
  );
}

const Detectors = Type.Object(
  Object.fromEntries(DETECTORS.map((d) => [d.name, detectorSettingsSchema(d.params)])),
  { additionalProperties: false, default: {} },
);

const Batch = Type.Object(
  {
    max_events: Type.Integer({ default: 4096, minimum: 1, maximum: 1_000_000 }),
    max_wait_ms: Type.Integer({ default: 250, minimum: 0 }),
  },
  { additionalProperties: false, default: {} },
);

const Risk = Type.Object(
  {
    weights: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }), {
      default: { detectors: 1 },
    }),
    ...riskAccumulationProperties,
  },
  { additionalProperties: false, default: {} },
);

const Alerts = Type.Object(
  {
    min_severity: Type.Number({
      default: 0.5,
      minimum: 0,
      maximum: 1,
      description: 'findings at or above this become alerts',
    }),
    suppress_minutes: Type.Number({
      default: 60,
      minimum: 0,
      description: 'one alert per identity and detector within this window',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Drift of the Isolation Forest's inputs and scores against its training window (docs/models.md, "Model health"). */
const ModelHealthSettings = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    window_rows: Type.Integer({
      default: 10_000,
      minimum: 100,
      maximum: 10_000_000,
      description:
        'live rows (mature identities) per kind in the sliding window compared with the training window',
    }),
    min_rows: Type.Integer({
      default: 1000,
      minimum: 10,
      description: 'live rows before drift is judged',
    }),
    sample_every: Type.Integer({
      default: 1,
      minimum: 1,
      maximum: 1000,
      description: 'every n-th mature row enters the live window (1 = all; higher = less work per event)',
    }),
    psi_warn: Type.Number({
      default: 0.1,
      exclusiveMinimum: 0,
      description: 'population stability index at or above which a model is reported as warn',
    }),
    psi_drift: Type.Number({
      default: 0.25,
      exclusiveMinimum: 0,
      description: 'PSI (any feature, or the score) at or above which a model_drift alert is raised',
    }),
    ks_drift: Type.Number({
      default: 0.2,
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'KS distance of the score distribution at or above which a model_drift alert is raised',
    }),
    bins: Type.Integer({
      default: 10,
      minimum: 2,
      maximum: 50,
      description: 'bins per feature, cut at the training quantiles',
    }),
    exclude_features: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'features whose PSI is reported but never raises warn or drift (e.g. baseline_maturity)',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Isolation Forest on baseline-relative features (docs/models.md). */
const IforestSettings = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    train_after: Type.Integer({
      default: 5000,
      minimum: 0,
      description:
        'mature events per kind (auth, service) before the first model is trained in the stream; 0 = never train',
    }),
    retrain_every: Type.Integer({
      default: 500_000,
      minimum: 0,
      description: 'mature events per kind between retrainings on the reservoir; 0 = never retrain',
    }),
    reservoir: Type.Integer({
      default: 20_000,
      minimum: 16,
      maximum: 2_000_000,
      description: 'training rows kept per kind',
    }),
    trees: Type.Integer({
      default: 50,
      minimum: 1,
      maximum: 1000,
      description: 'trees per forest (50: same AUC as 100 on simulator traffic, half the scoring cost)',
    }),
    sample_size: Type.Integer({
      default: 256,
      minimum: 2,
      maximum: 65_536,
      description: 'rows per tree (ψ)',
    }),
    seed: Type.Integer({ default: 1 }),
    directory: Type.String({
      default: 'models',
      minLength: 1,
      description: 'where model versions are saved',
    }),
    load_existing: Type.Boolean({
      default: false,
      description: 'start with the newest saved model of each kind in `directory`',
    }),
    alert_percentile: Type.Number({
      default: 0.999,
      minimum: 0,
      maximum: 1,
      description: 'calibrated percentile at or above which an iforest_anomaly alert is raised',
    }),
    shadow_events: Type.Integer({
      default: 10_000,
      minimum: 0,
      description:
        'mature events per kind a retrained model scores in shadow beside the current one before it is promoted; 0 = promote at once',
    }),
    shadow_min_spearman: Type.Number({
      default: 0,
      minimum: 0,
      maximum: 1,
      description:
        'rank agreement (Spearman) with the current model a shadow model needs to be promoted; 0 = promote after the shadow period regardless',
    }),
    health: ModelHealthSettings,
  },
  { additionalProperties: false, default: {} },
);

/** LSTM next-action sequence model, trained offline with `vigil train --model lstm` (docs/lstm.md). */
const LstmSettings = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    directory: Type.String({
      default: 'models/lstm',
      minLength: 1,
      description: 'trained LSTM artefacts (manifest.json, step.onnx, ...)',
    }),
    alert_percentile: Type.Number({
      default: 0.999,
      minimum: 0,
      maximum: 1,
      description:
        'calibrated surprise percentile at or above which an lstm_sequence_anomaly alert is raised',
    }),
    top_k: Type.Integer({
      default: 3,
      minimum: 1,
      maximum: 20,
      description: 'expected actions named in a finding',
    }),
    intra_op_threads: Type.Integer({
      default: 1,
      minimum: 1,
      maximum: 64,
      description: 'onnxruntime intra-op threads',
    }),
    backend: Type.Union([Type.Literal('auto'), Type.Literal('onnxruntime'), Type.Literal('tfjs')], {
      default: 'auto',
      description: 'serving step: auto = onnxruntime-node, falling back to TensorFlow.js',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Models = Type.Object(
  { iforest: IforestSettings, lstm: LstmSettings },
  { additionalProperties: false, default: {} },
);

export const PipelineSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, default: 'pipeline' }),
    source: Type.Union([SimulatorSource, FileSource, KafkaSourceSchema]),
    checkpoints: CheckpointSchema,
    batch: Batch,
    baseline: Baseline,
    detectors: Detectors,
    risk: Risk,
    alerts: Alerts,
    policy: PolicySchema,
    signals: SignalsSchema,
    api: ApiSchema,
    models: Models,
    privacy: PrivacySchema,
    peers: PeersSchema,
    intel: IntelSchema,
    sinks: Type.Object(
      {
        scores: Type.Optional(NdjsonSink),
        alerts: Type.Optional(NdjsonSink),
        dead_letter: Type.Optional(NdjsonSink),
        clickhouse: Type.Optional(ClickHouseSinkSchema),
        kafka: Type.Optional(KafkaSinkSchema),
        decisions: Type.Optional(NdjsonSink),
        signals: Type.Optional(NdjsonSink),
        sqlite: Type.Optional(SqliteSinkSchema),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type PipelineConfig = Static<typeof PipelineSchema>;
export type SourceConfig = PipelineConfig['source'];
export type SinkConfig = Static<typeof NdjsonSink>;
export type IforestConfig = Static<typeof IforestSettings>;
export type LstmConfig = Static<typeof LstmSettings>;

const keyPath = (pointer: string) => pointer.replace(/^\//, '').replaceAll('/', '.') || '(root)';

/** Validates a parsed pipeline document, filling defaults; throws VigilError naming the key. */
export function parsePipeline(document: unknown): PipelineConfig {
  if (typeof document !== 'object' || document === null) {
    throw errors.configInvalid('(root)', 'pipeline must be a YAML mapping');
  }
  const withDefaults = Value.Default(PipelineSchema, Value.Clone(document));
  const source = (withDefaults as { source?: { type?: unknown } }).source;
  if (source && typeof source === 'object') {
    const variant =
      source.type === 'file'
        ? FileSource
        : source.type === 'simulator'
          ? SimulatorSource
          : source.type === 'kafka'
            ? KafkaSourceSchema
            : undefined;
    if (!variant) {
      throw errors.configInvalid(
        'source.type',
        `source.type must be "simulator", "file" or "kafka", got ${JSON.stringify(source.type)}`,
      );
    }
    Value.Default(variant, source);
    const first = Value.Errors(variant, source).First();
    if (first)
      throw errors.configInvalid(
        `source${keyPath(first.path) === '(root)' ? '' : `.${keyPath(first.path)}`}`,
        first.message,
      );
  }
  const first = Value.Errors(PipelineSchema, withDefaults).First();
  if (first) throw errors.configInvalid(keyPath(first.path), first.message);
  const config = withDefaults as PipelineConfig;
  if ('format' in config.source && config.source.format && !FORMAT_NAMES.includes(config.source.format)) {
    throw errors.configInvalid(
      'source.format',
      `unknown format "${config.source.format}"; known: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  return config;
}

export function loadPipeline(path: string): PipelineConfig {
  if (!existsSync(path)) throw errors.configNotFound(path);
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw errors.configInvalid('(file)', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  return parsePipeline(document);
}

/** Names of the detectors a pipeline enables, in registry order. */
export function enabledDetectors(config: PipelineConfig): string[] {
  const settings = config.detectors as Record<string, { enabled: boolean }>;
  return DETECTORS.filter((d) => settings[d.name]?.enabled !== false).map((d) => d.name);
}

/** Parameter overrides per detector (the `enabled` flag removed). */
export function detectorOverrides(config: PipelineConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, settings] of Object.entries(
    config.detectors as Record<string, Record<string, unknown>>,
  )) {
    const { enabled: _enabled, ...params } = settings;
    out[name] = params;
  }
  return out;
}
