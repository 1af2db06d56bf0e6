/**
 * `POST /api/alerts/:id/feedback`: an analyst (or admin) marks an alert a true
 * or false positive. Bearer token required (401 without, 403 for another
 * role); 404 for an alert Vigil no longer holds.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type Role, requireRole, type TokenRoles } from '../auth.js';
import type { FeedbackService, Verdict } from '../feedback.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Body = Type.Object(
  {
    verdict: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const Counts = Type.Object({ true_positive: Type.Integer(), false_positive: Type.Integer() });
const Answer = Type.Object({
  alert_id: Type.String(),
  verdict: Type.String(),
  identity: Type.String(),
  detector: Type.String(),
  attribute: Type.Optional(Type.String()),
  suppressed_until: Type.Optional(Type.Number()),
  learned: Type.Boolean(),
  counts: Counts,
});
const Problem = Type.Object({ error: Type.String(), message: Type.String() });

export interface FeedbackRouteOptions {
  feedback: FeedbackService;
  tokens: TokenRoles;
}

export const feedbackRoutes: FastifyPluginAsync<FeedbackRouteOptions> = async (app, { feedback, tokens }) => {
  app.post<{ Params: { id: string }; Body: { verdict: Verdict; note?: string } }>(
    '/api/alerts/:id/feedback',
    {
      preHandler: requireRole(tokens, ['analyst', 'admin']),
      schema: {
        params: Params,
        body: Body,
        response: { 200: Answer, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const role = (request as FastifyRequest & { role?: Role }).role ?? 'analyst';
      const outcome = feedback.record(request.params.id, request.body.verdict, role, request.body.note);
      if (!outcome)
        return reply
          .code(404)
          .send({ error: 'ALERT_UNKNOWN', message: `no alert ${request.params.id} is held` });
      return { ...outcome.entry, learned: outcome.learned, counts: outcome.counts };
    },
  );

  app.get(
    '/api/feedback/counts',
    {
      preHandler: requireRole(tokens, ['viewer', 'analyst', 'admin']),
      schema: { response: { 200: Counts } },
    },
    async () => ({
      ...feedback.counts,
    }),
  );
};
