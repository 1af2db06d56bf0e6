/**
 * The pipeline's `intel:` section: which address-list files to load, how to
 * read each one, and whether to reload them when they change. The schema is
 * the one definition the pipeline loader validates and src/intel reads; the
 * default `{}` loads no lists. Must never read files itself.
 */
import { type Static, Type } from '@sinclair/typebox';

export const IntelListSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'the list file (relative paths resolve from the working directory)',
    }),
    name: Type.Optional(
      Type.String({ minLength: 1, description: 'name shown in evidence and facts (default: the file name)' }),
    ),
    category: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'category of every entry of a plain list, and of CSV rows with an empty category cell: anonymiser, hosting, known_bad, corporate_egress or a name of your own',
      }),
    ),
    format: Type.Union([Type.Literal('auto'), Type.Literal('plain'), Type.Literal('csv')], {
      default: 'auto',
      description: 'auto: csv for *.csv files, plain otherwise',
    }),
    network_column: Type.String({
      minLength: 1,
      default: 'network',
      description: 'CSV header of the column holding the address or CIDR',
    }),
    category_column: Type.String({
      minLength: 1,
      default: 'category',
      description: 'CSV header of the column holding the category (several separated by |)',
    }),
  },
  { additionalProperties: false },
);
export type IntelListConfig = Static<typeof IntelListSchema>;

export const IntelSchema = Type.Object(
  {
    lists: Type.Array(IntelListSchema, {
      default: [],
      description: 'address lists to load; none by default',
    }),
    reload: Type.Boolean({
      default: true,
      description: 'watch the list files and reload them when they change, without a restart',
    }),
    reload_debounce_ms: Type.Integer({
      default: 250,
      minimum: 0,
      maximum: 60_000,
      description:
        'wait this long after the last change before reloading (a list is often written in several steps)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type IntelConfig = Static<typeof IntelSchema>;
