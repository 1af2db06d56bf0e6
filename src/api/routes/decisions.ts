/**
 * `GET /api/decisions`: what the response policy (and analysts, through
 * revoke/reset) decided, newest first, with what explains each decision
 * (deciding event, detectors, risk components, policy version, SETs).
 * Viewer role or above; read from the store query interface.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { POLICY_ACTIONS } from '../../risk/policy-config.js';
import type { QueryStore } from '../../store/queries.js';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import { PageInfo, PageQuery, pageInfo, requestedPage } from '../pagination.js';
import { PROTECTED_PROBLEMS, problem, problemHandler } from '../problems.js';

export interface DecisionRouteOptions {
  queries: QueryStore;
  tokens: TokenRoles;
}

const Decision = Type.Object({
  id: Type.String(),
  time_ms: Type.Number(),
  identity: Type.String(),
  action: Type.String(),
  rule: Type.String(),
  mode: Type.String({ description: 'enforce, dry_run or allowlisted' }),
  actor: Type.String({ description: 'engine, or the role of the analyst who acted' }),
  risk: Type.Number({ description: 'accumulated identity risk after the deciding event' }),
  reason: Type.String(),
  alert_ids: Type.Array(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

const DecisionQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, inclusive' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, exclusive' })),
    identity: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    action: Type.Optional(Type.Union(POLICY_ACTIONS.map((action) => Type.Literal(action)))),
    ...PageQuery,
  },
  { additionalProperties: false },
);
type DecisionQuery = Static<typeof DecisionQuery>;

const DecisionPage = Type.Object({ decisions: Type.Array(Decision), page: PageInfo });

export const decisionRoutes: FastifyPluginAsync<DecisionRouteOptions> = async (app, { queries, tokens }) => {
  app.setErrorHandler(problemHandler);
  app.get<{ Querystring: DecisionQuery }>(
    '/api/decisions',
    {
      onRequest: requireAtLeast(tokens, 'viewer'),
      schema: { querystring: DecisionQuery, response: { 200: DecisionPage, ...PROTECTED_PROBLEMS } },
    },
    async (request, reply) => {
      const q = request.query;
      const { limit, offset } = requestedPage(q);
      if (offset === undefined)
        return reply.code(400).send(problem('VALIDATION', 'cursor is not one this server issued'));
      const decisions = await queries.decisions({
        fromMs: q.from,
        toMs: q.to,
        identity: q.identity,
        action: q.action,
        limit,
        offset,
      });
      return { decisions, page: pageInfo(limit, offset, decisions.length) };
    },
  );
};
