/**
 * `GET /api/alerts` (filters incl. triage status, pagination) and `GET /api/alerts/:id`, read
 * from the store query interface (src/store/queries.ts), whichever store is
 * behind it. Viewer role or above.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ALERT_STATUSES, type QueryStore } from '../../store/queries.js';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import { PageInfo, PageQuery, pageInfo, requestedPage } from '../pagination.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export interface AlertRouteOptions {
  queries: QueryStore;
  tokens: TokenRoles;
}

const AlertStatusSchema = Type.Union(
  ALERT_STATUSES.map((status) => Type.Literal(status)),
  { description: 'open until an analyst gives a verdict; the latest verdict counts' },
);

const Alert = Type.Object({
  id: Type.String(),
  time_ms: Type.Number(),
  identity: Type.String(),
  identity_type: Type.String(),
  detector: Type.String(),
  severity: Type.Number(),
  risk: Type.Number(),
  summary: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown()),
  event_ids: Type.Array(Type.String()),
  status: AlertStatusSchema,
});

const AlertQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, inclusive' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, exclusive' })),
    identity: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    detector: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    min_severity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    status: Type.Optional(AlertStatusSchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);
type AlertQuery = Static<typeof AlertQuery>;

const AlertPage = Type.Object({ alerts: Type.Array(Alert), page: PageInfo });
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const alertRoutes: FastifyPluginAsync<AlertRouteOptions> = async (app, { queries, tokens }) => {
  app.setErrorHandler(problemHandler);
  const viewer = requireAtLeast(tokens, 'viewer');

  app.get<{ Querystring: AlertQuery }>(
    '/api/alerts',
    {
      onRequest: viewer,
      schema: { querystring: AlertQuery, response: { 200: AlertPage, ...PROTECTED_PROBLEMS } },
    },
    async (request, reply) => {
      const q = request.query;
      const { limit, offset } = requestedPage(q);
      if (offset === undefined)
        return reply.code(400).send(problem('VALIDATION', 'cursor is not one this server issued'));
      const alerts = await queries.alerts({
        fromMs: q.from,
        toMs: q.to,
        identity: q.identity,
        detector: q.detector,
        minSeverity: q.min_severity,
        status: q.status,
        limit,
        offset,
      });
      return { alerts, page: pageInfo(limit, offset, alerts.length) };
    },
  );

  app.get<{ Params: Static<typeof Params> }>(
    '/api/alerts/:id',
    {
      onRequest: viewer,
      schema: { params: Params, response: { 200: Alert, 404: Problem, ...PROTECTED_PROBLEMS } },
    },
    async (request, reply) => {
      const [alert] = await queries.alerts({ id: request.params.id, limit: 1 });
      if (!alert)
        return reply.code(404).send(problem('NOT_FOUND', `no alert ${request.params.id} in the store`));
      return alert;
    },
  );
};
