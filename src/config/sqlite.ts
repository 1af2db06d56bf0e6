/**
 * Pipeline schema of the embedded store sink (`sinks.sqlite`): one SQLite
 * file on this machine that the same query functions as ClickHouse read
 * (src/store/sqlite-queries.ts). Validated with the rest of the pipeline;
 * errors name the key (`sinks.sqlite.path`).
 */
import { type Static, Type } from '@sinclair/typebox';
import { RetentionByTableSchema } from '../privacy/retention.js';

export const SqliteSinkSchema = Type.Object(
  {
    type: Type.Literal('sqlite'),
    path: Type.String({
      minLength: 1,
      description: 'database file, e.g. .vigil/vigil.db (created when missing)',
    }),
    retention_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'delete events, alerts, signals, decisions, dead letters older than this (wall clock)',
      }),
    ),
    retention: Type.Optional(RetentionByTableSchema),
    retention_check_minutes: Type.Number({
      default: 60,
      exclusiveMinimum: 0,
      description: 'how often retention runs (at the first flush, then at most this often)',
    }),
  },
  { additionalProperties: false },
);

export type SqliteSinkConfig = Static<typeof SqliteSinkSchema>;
