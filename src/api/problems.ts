/**
 * The analyst API's error shape, created in one place: every non-2xx answer
 * of the routes under /api, /healthz, /readyz and /metrics is
 * `{ error: { code, message } }` with a stable `code`. Fastify's own errors
 * (schema validation, body too large, rate limit) are mapped to it by
 * `problemHandler`, registered inside the plugins that use this shape only,
 * so older routes keep their answers.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export type ProblemCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'FORMAT_UNKNOWN'
  | 'NOT_READY'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export const Problem = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
export type Problem = Static<typeof Problem>;

export const problem = (code: ProblemCode, message: string): Problem => ({ error: { code, message } });

/** Problem responses every protected route may give (for route schemas). */
export const PROTECTED_PROBLEMS = { 400: Problem, 401: Problem, 403: Problem } as const;

export function problemHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) return reply.code(400).send(problem('VALIDATION', error.message));
  const status = error.statusCode ?? 500;
  if (status === 429) return reply.code(429).send(problem('RATE_LIMITED', error.message));
  if (status === 503) return reply.code(503).send(problem('UNAVAILABLE', error.message));
  if (status >= 400 && status < 500) return reply.code(status).send(problem('VALIDATION', error.message));
  reply.log.error({ err: error }, 'analyst API request failed');
  return reply.code(500).send(problem('INTERNAL', 'internal error; see the server log'));
}
