/**
 * `GET /api/models`: the models the engine uses, their versions and backends,
 * and for models with health monitoring their drift (top 5 features by PSI)
 * and shadow status. Viewer or above.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ModelDriftReport, ShadowStatus } from '../../models/health/index.js';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import type { ModelDescription } from '../metrics.js';
import { PROTECTED_PROBLEMS, problemHandler } from '../problems.js';

export interface ModelRouteOptions {
  tokens: TokenRoles;
  models?: () => readonly ModelDescription[];
}

const Model = Type.Object({
  name: Type.String(),
  version: Type.String(),
  backend: Type.String(),
  drift: Type.Optional(ModelDriftReport),
  shadow: Type.Optional(ShadowStatus),
});

export const modelRoutes: FastifyPluginAsync<ModelRouteOptions> = async (app, { tokens, models }) => {
  app.setErrorHandler(problemHandler);
  app.get(
    '/api/models',
    {
      onRequest: requireAtLeast(tokens, 'viewer'),
      schema: { response: { 200: Type.Object({ models: Type.Array(Model) }), ...PROTECTED_PROBLEMS } },
    },
    async () => ({ models: [...(models?.() ?? [])] }),
  );
};
