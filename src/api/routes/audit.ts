/**
 * The audit trail for auditors: `GET /api/audit` (records in seq order,
 * paged by seq) and `GET /api/audit/verify` (walks the chain and its signed
 * checkpoints; names the first broken record). Auditor or admin role only;
 * viewers and analysts get 403, since the trail shows every analyst action.
 *
 * Read-only: never appends to or repairs the chain.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { JWK } from 'jose';
import { AUDIT_KINDS } from '../../audit/record.js';
import { type AuditStore, recordsOf } from '../../audit/store.js';
import { verifyChain } from '../../audit/verify.js';
import { requireOneOf, type TokenRoles } from '../auth.js';
import { PROTECTED_PROBLEMS, problemHandler } from '../problems.js';

export interface AuditRouteOptions {
  tokens: TokenRoles;
  store: AuditStore;
  /** The chain served (the pipeline's name). */
  chain: string;
  /** Key the checkpoints are signed with; absent: checkpoints cannot be checked. */
  publicJwk?: JWK;
}

const AuditRecordSchema = Type.Object({
  chain: Type.String(),
  seq: Type.Integer(),
  time: Type.Number({ description: 'epoch ms when recorded' }),
  kind: Type.Union(AUDIT_KINDS.map((kind) => Type.Literal(kind))),
  actor: Type.String(),
  subject: Type.String(),
  ref: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  content_digest: Type.String({ description: 'SHA-256 of the canonical JSON of { subject, payload }' }),
  erased: Type.Boolean({ description: 'subject and payload erased by privacy forget (digest kept)' }),
  prev_hash: Type.String(),
  hash: Type.String(),
});

const ListQuery = Type.Object(
  {
    from_seq: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'first seq to return' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const ListAnswer = Type.Object({
  chain: Type.String(),
  records: Type.Array(AuditRecordSchema),
  /** Where the next page starts (null on the last page). */
  next_from_seq: Type.Union([Type.Integer(), Type.Null()]),
});

const Break = Type.Object({
  problem: Type.Union(
    ['modified', 'inserted', 'deleted', 'checkpoint', 'erased'].map((p) => Type.Literal(p)),
  ),
  seq: Type.Integer(),
  message: Type.String(),
});

export const VerifyAnswer = Type.Object({
  ok: Type.Boolean(),
  chain: Type.String(),
  records: Type.Integer(),
  first_seq: Type.Union([Type.Integer(), Type.Null()]),
  last_seq: Type.Union([Type.Integer(), Type.Null()]),
  head_hash: Type.Union([Type.String(), Type.Null()]),
  checkpoints: Type.Object({
    total: Type.Integer(),
    valid: Type.Integer(),
    last_valid_seq: Type.Union([Type.Integer(), Type.Null()]),
  }),
  unattested: Type.Integer(),
  broken: Type.Optional(Break),
});

export const auditRoutes: FastifyPluginAsync<AuditRouteOptions> = async (app, options) => {
  const { tokens, store, chain } = options;
  app.setErrorHandler(problemHandler);
  const auditor = requireOneOf(tokens, ['auditor', 'admin']);

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/audit',
    {
      onRequest: auditor,
      schema: { querystring: ListQuery, response: { 200: ListAnswer, ...PROTECTED_PROBLEMS } },
    },
    async (request) => {
      const from = request.query.from_seq ?? 1;
      const limit = request.query.limit ?? 100;
      const records = await store.records(chain, from, limit);
      const last = records.at(-1);
      return { chain, records, next_from_seq: records.length === limit && last ? last.seq + 1 : null };
    },
  );

  app.get(
    '/api/audit/verify',
    { onRequest: auditor, schema: { response: { 200: VerifyAnswer, ...PROTECTED_PROBLEMS } } },
    async () =>
      verifyChain({
        chain,
        records: recordsOf(store, chain),
        checkpoints: await store.checkpoints(chain),
        publicJwk: options.publicJwk,
      }),
  );
};
