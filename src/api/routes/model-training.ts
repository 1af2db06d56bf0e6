/**
 * `POST /api/models/:name/train`: an administrator asks for a model to be
 * retrained now from what the engine collected (the Isolation Forest's
 * reservoir of mature rows). The new model goes through the same admission
 * as a scheduled retrain (a shadow period when configured). Models trained
 * offline (the LSTM) answer 409 with the command to use. Admin role only:
 * a retrain changes what every later event is scored with.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export interface TrainOutcome {
  started: boolean;
  /** Version the new model got (when training started). */
  version?: number;
  /** Rows the model was (or would have been) trained on. */
  rows: number;
  /** Why training did not start. */
  reason?: string;
}

export interface ModelTrainingOptions {
  tokens: TokenRoles;
  /** Retrains the named model; undefined when the engine has no such model trainable in the stream. */
  train?: (name: string) => Promise<TrainOutcome> | undefined;
  /** Models trained offline, with how to retrain them. */
  offline?: Readonly<Record<string, string>>;
}

const Params = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_-]+$' }) });
const Answer = Type.Object({
  model: Type.String(),
  trained: Type.Boolean(),
  version: Type.Optional(Type.Integer()),
  rows: Type.Integer(),
  detail: Type.String(),
});

export const modelTrainingRoutes: FastifyPluginAsync<ModelTrainingOptions> = async (app, options) => {
  app.setErrorHandler(problemHandler);
  app.post<{ Params: Static<typeof Params> }>(
    '/api/models/:name/train',
    {
      onRequest: requireAtLeast(options.tokens, 'admin'),
      schema: {
        params: Params,
        response: { 200: Answer, 404: Problem, 409: Problem, ...PROTECTED_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const offline = options.offline?.[name];
      if (offline)
        return reply.code(409).send(problem('VALIDATION', `${name} is trained offline: ${offline}`));
      const pending = options.train?.(name);
      if (!pending)
        return reply.code(404).send(problem('NOT_FOUND', `no model ${name} is trained in this engine`));
      const outcome = await pending;
      request.log.info({ model: name, ...outcome }, 'model retrain requested');
      return {
        model: name,
        trained: outcome.started,
        version: outcome.version,
        rows: outcome.rows,
        detail: outcome.started
          ? `version ${outcome.version} trained on ${outcome.rows} rows; it scores once admitted (after its shadow period, when configured)`
          : `not trained: ${outcome.reason}`,
      };
    },
  );
};
