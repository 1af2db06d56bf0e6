/**
 * `DELETE /api/identities/:id` (admin only): erases the identity from the
 * running engine's state, the store and the checkpoints, records the
 * erasure in the audit log, and answers with the record (keyed hash of the
 * identity, counts per place, actor, time). Without a configured eraser
 * (no VIGIL_PSEUDONYM_KEY, or no engine behind the API) it answers 503 and
 * erases nothing.
 *
 * Never logs the identity.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ErasureRecord } from '../../privacy/erasure-record.js';
import { requireAtLeast, roleOfRequest, type TokenRoles } from '../auth.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export interface PrivacyAccess {
  forget(identity: string, actor: string): Promise<ErasureRecord>;
}

export interface PrivacyRouteOptions {
  tokens: TokenRoles;
  privacy?: PrivacyAccess;
}

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });
const Erased = Type.Object({
  erased: Type.Boolean(),
  subject_hash: Type.String(),
  counts: Type.Record(Type.String(), Type.Number()),
  actor: Type.String(),
  time: Type.String(),
});

export const privacyRoutes: FastifyPluginAsync<PrivacyRouteOptions> = async (app, { tokens, privacy }) => {
  app.setErrorHandler(problemHandler);
  app.delete<{ Params: Static<typeof Params> }>(
    '/api/identities/:id',
    {
      onRequest: requireAtLeast(tokens, 'admin'),
      schema: { params: Params, response: { 200: Erased, 503: Problem, ...PROTECTED_PROBLEMS } },
    },
    async (request, reply) => {
      if (!privacy) {
        return reply
          .code(503)
          .send(
            problem(
              'UNAVAILABLE',
              'erasure is not configured on this server: set VIGIL_PSEUDONYM_KEY and run the API with the engine, or use `vigil identity forget`',
            ),
          );
      }
      const actor = `api:${roleOfRequest(request) ?? 'admin'}`;
      const record = await privacy.forget(request.params.id, actor);
      request.log.info({ subject_hash: record.subject_hash, actor }, 'identity erased');
      return { erased: true, ...record };
    },
  );
};
