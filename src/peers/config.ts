/**
 * The `peers:` section of a pipeline: where a directory file comes from and
 * how identities are grouped when it is absent (learned from co-access).
 * Schema only; validated at load by src/config/pipeline.ts. Must never read
 * files or hold state.
 */
import { type Static, Type } from '@sinclair/typebox';

export const PeersDirectorySchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'directory file: CSV with a header, JSON array or NDJSON',
    }),
    format: Type.Union(
      [Type.Literal('auto'), Type.Literal('csv'), Type.Literal('json'), Type.Literal('ndjson')],
      {
        default: 'auto',
        description:
          'auto: by file extension (.csv, .ndjson/.jsonl), else by the first character ([ = JSON array)',
      },
    ),
    group_by: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      default: ['department'],
      minItems: 1,
      maxItems: 8,
      description:
        "directory attributes that together name an identity's peer group, e.g. [department, title]",
    }),
  },
  { additionalProperties: false },
);

export const PeersLearnedSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'group identities the directory does not list by co-access',
    }),
    min_group_size: Type.Integer({
      default: 4,
      minimum: 2,
      description: 'smaller learned groups are dropped',
    }),
    recompute_every_minutes: Type.Number({
      default: 60,
      exclusiveMinimum: 0,
      description: 'groups and their statistics are recomputed this often (event time)',
    }),
    similarity: Type.Number({
      default: 0.5,
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'Jaccard similarity of application/service sets needed to join a group',
    }),
    max_groups: Type.Integer({
      default: 5000,
      minimum: 1,
      description: 'cap on learned groups per partition',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const PeersSchema = Type.Object(
  {
    directory: Type.Optional(PeersDirectorySchema),
    learned: PeersLearnedSchema,
    max_apps_per_identity: Type.Integer({
      default: 32,
      minimum: 4,
      maximum: 256,
      description: 'applications/services tracked per identity (least recently used evicted)',
    }),
    min_history_days: Type.Integer({
      default: 3,
      minimum: 1,
      description: "days of activity before an identity counts towards its group's statistics",
    }),
  },
  { additionalProperties: false, default: {} },
);

export type PeersConfig = Static<typeof PeersSchema>;
export type PeersDirectoryConfig = Static<typeof PeersDirectorySchema>;
