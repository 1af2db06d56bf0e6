/**
 * `GET /api/effectiveness`: the production effectiveness report (precision
 * from analyst verdicts, alert volume, time to enforce, step-up friction,
 * signal acknowledgement) over the engine's recent window. Viewer role or
 * above. Reads the cached report of EffectivenessWindow: never scans the
 * store per request.
 */
import type { FastifyPluginAsync } from 'fastify';
import { EffectivenessReport } from '../../evaluation/effectiveness-report.js';
import type { EffectivenessWindow } from '../../evaluation/effectiveness-window.js';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export interface EffectivenessRouteOptions {
  tokens: TokenRoles;
  /** Absent: the route answers 404 (the engine keeps no window in this process). */
  effectiveness?: Pick<EffectivenessWindow, 'report'>;
}

export const effectivenessRoutes: FastifyPluginAsync<EffectivenessRouteOptions> = async (
  app,
  { tokens, effectiveness },
) => {
  app.setErrorHandler(problemHandler);
  app.get(
    '/api/effectiveness',
    {
      onRequest: requireAtLeast(tokens, 'viewer'),
      schema: { response: { 200: EffectivenessReport, 404: Problem, ...PROTECTED_PROBLEMS } },
    },
    async (_request, reply) => {
      if (!effectiveness)
        return reply
          .code(404)
          .send(problem('NOT_FOUND', 'this server runs no engine, so it has no effectiveness window'));
      return effectiveness.report();
    },
  );
};
