/** `GET /api/models`: the models the engine uses, their versions and backends. Viewer or above. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import type { ModelDescription } from '../metrics.js';
import { PROTECTED_PROBLEMS, problemHandler } from '../problems.js';

export interface ModelRouteOptions {
  tokens: TokenRoles;
  models?: () => readonly ModelDescription[];
}

const Model = Type.Object({ name: Type.String(), version: Type.String(), backend: Type.String() });

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
