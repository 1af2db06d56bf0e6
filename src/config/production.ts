/**
 * Pipeline schema parts for the production path (Kafka in and out,
 * ClickHouse storage, per-partition checkpoints). Kept apart from
 * pipeline.ts, which composes them; the same TypeBox definitions give the
 * types. Secrets may be left out here and supplied through the environment
 * at the CLI edge (VIGIL_KAFKA_BROKERS, VIGIL_CLICKHOUSE_URL/_USER/_PASSWORD).
 */
import { type Static, Type } from '@sinclair/typebox';
import { RetentionByTableSchema } from '../privacy/retention.js';

const Tls = Type.Union([
  Type.Boolean(),
  Type.Object(
    {
      ca_file: Type.Optional(Type.String({ minLength: 1 })),
      cert_file: Type.Optional(Type.String({ minLength: 1 })),
      key_file: Type.Optional(Type.String({ minLength: 1 })),
      reject_unauthorized: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
]);

const Sasl = Type.Object(
  {
    mechanism: Type.Union([
      Type.Literal('plain'),
      Type.Literal('scram-sha-256'),
      Type.Literal('scram-sha-512'),
    ]),
    username: Type.String({ minLength: 1 }),
    password: Type.String(),
  },
  { additionalProperties: false },
);

const Brokers = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  default: ['localhost:9092'],
  description: 'bootstrap brokers host:port (VIGIL_KAFKA_BROKERS overrides, comma-separated)',
});

export const KafkaSourceSchema = Type.Object(
  {
    type: Type.Literal('kafka'),
    brokers: Brokers,
    group_id: Type.String({ minLength: 1, default: 'vigil' }),
    topics: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      default: ['auth-events', 'service-events'],
    }),
    format: Type.String({ default: 'canonical' }),
    client_id: Type.String({ minLength: 1, default: 'vigil' }),
    from_beginning: Type.Boolean({
      default: true,
      description: 'where a new consumer group starts: earliest (true) or latest',
    }),
    session_timeout_ms: Type.Integer({ default: 30_000, minimum: 1000 }),
    ssl: Type.Optional(Tls),
    sasl: Type.Optional(Sasl),
  },
  { additionalProperties: false },
);

export const ClickHouseSinkSchema = Type.Object(
  {
    type: Type.Literal('clickhouse'),
    url: Type.String({ minLength: 1, default: 'http://localhost:8123' }),
    username: Type.String({ default: 'default' }),
    password: Type.String({ default: '' }),
    database: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: 'vigil' }),
    max_retry_seconds: Type.Number({
      default: 300,
      minimum: 0,
      description:
        'how long a flush retries a down ClickHouse (consumption pauses meanwhile) before the run fails',
    }),
    max_buffered_rows: Type.Integer({ default: 200_000, minimum: 1 }),
    retention_days: Type.Optional(
      Type.Integer({ minimum: 1, description: 'TTL on event/alert tables (ClickHouse 19.6+ only)' }),
    ),
    retention: Type.Optional(RetentionByTableSchema),
    retention_check_minutes: Type.Number({
      default: 60,
      exclusiveMinimum: 0,
      description: 'servers without TTL (before 19.6): how often rows past retention are deleted',
    }),
    request_timeout_ms: Type.Integer({ default: 30_000, minimum: 100 }),
  },
  { additionalProperties: false },
);

export const KafkaSinkSchema = Type.Object(
  {
    type: Type.Literal('kafka'),
    brokers: Brokers,
    client_id: Type.String({ minLength: 1, default: 'vigil' }),
    topics: Type.Object(
      {
        alerts: Type.Optional(Type.String({ minLength: 1 })),
        signals: Type.Optional(Type.String({ minLength: 1 })),
        dead_letter: Type.Optional(Type.String({ minLength: 1 })),
      },
      {
        additionalProperties: false,
        default: { alerts: 'vigil-alerts', signals: 'vigil-signals', dead_letter: 'vigil-deadletter' },
      },
    ),
    idempotent: Type.Boolean({ default: true }),
    ssl: Type.Optional(Tls),
    sasl: Type.Optional(Sasl),
  },
  { additionalProperties: false },
);

export const CheckpointSchema = Type.Object(
  {
    store: Type.Union([Type.Literal('local'), Type.Literal('clickhouse'), Type.Literal('sqlite')], {
      default: 'local',
      description:
        "local directory (embedded), the ClickHouse sink's database (production) or the SQLite sink's file",
    }),
    path: Type.String({ minLength: 1, default: '.vigil/checkpoints' }),
    every_batches: Type.Integer({ default: 20, minimum: 1 }),
    every_seconds: Type.Number({ default: 30, minimum: 0 }),
  },
  { additionalProperties: false, default: {} },
);

export type KafkaSourceConfig = Static<typeof KafkaSourceSchema>;
export type ClickHouseSinkConfig = Static<typeof ClickHouseSinkSchema>;
export type KafkaSinkConfig = Static<typeof KafkaSinkSchema>;
export type CheckpointConfig = Static<typeof CheckpointSchema>;

/** Connection settings of a ClickHouse sink section (shared by the sink, the read side, checkpoints, privacy). */
export function clickhouseConnectionOptions(sink: Static<typeof ClickHouseSinkSchema>): {
  url: string;
  username: string;
  password: string;
  database: string;
  requestTimeoutMs: number;
} {
  return {
    url: sink.url,
    username: sink.username,
    password: sink.password,
    database: sink.database,
    requestTimeoutMs: sink.request_timeout_ms,
  };
}
