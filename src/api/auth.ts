/**
 * Bearer-token authentication for the analyst API: a static token → role map
 * (from the environment at the CLI edge: VIGIL_ADMIN_TOKEN, VIGIL_ANALYST_TOKEN,
 * VIGIL_VIEWER_TOKEN). A route declares the roles it accepts (the analyst API
 * checks in onRequest, before validation); no or unknown token → 401, a known
 * token of another role → 403. Tokens are compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from './problems.js';

/** `auditor` reads the audit trail only (src/api/routes/audit.ts); it is outside the viewer < analyst < admin ladder. */
export type Role = 'admin' | 'analyst' | 'viewer' | 'auditor';
export type TokenRoles = ReadonlyMap<string, Role>;

/** Token → role from the environment (read once, at the CLI edge). */
export function tokensFromEnv(env: NodeJS.ProcessEnv): Map<string, Role> {
  const tokens = new Map<string, Role>();
  if (env.VIGIL_ADMIN_TOKEN) tokens.set(env.VIGIL_ADMIN_TOKEN, 'admin');
  if (env.VIGIL_ANALYST_TOKEN) tokens.set(env.VIGIL_ANALYST_TOKEN, 'analyst');
  if (env.VIGIL_VIEWER_TOKEN) tokens.set(env.VIGIL_VIEWER_TOKEN, 'viewer');
  if (env.VIGIL_AUDITOR_TOKEN) tokens.set(env.VIGIL_AUDITOR_TOKEN, 'auditor');
  return tokens;
}

function roleOf(tokens: TokenRoles, presented: string): Role | undefined {
  const given = Buffer.from(presented);
  let found: Role | undefined;
  for (const [token, role] of tokens) {
    const expected = Buffer.from(token);
    if (expected.length === given.length && timingSafeEqual(expected, given)) found = role;
  }
  return found;
}

type Refusal = (code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) => unknown;

/** The body of a refusal in the SSF routes' flat shape `{ error, message }`. */
const flatRefusal: Refusal = (code, message) => ({ error: code, message });
/** The body of a refusal in the analyst API's problem shape `{ error: { code, message } }`. */
const problemRefusal: Refusal = (code, message) => problem(code, message);

/**
 * The one bearer-token check behind every guard below: no or unknown token →
 * 401 (with `www-authenticate`), a known token whose role `permits` refuses →
 * 403 naming what is needed; otherwise the role is put on the request.
 */
function guard(tokens: TokenRoles, permits: (role: Role) => boolean, needs: string, refuse: Refusal) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const role = match ? roleOf(tokens, match[1]) : undefined;
    if (!role) {
      reply.header('www-authenticate', 'Bearer realm="vigil"');
      return reply.code(401).send(refuse('UNAUTHENTICATED', 'a valid bearer token is required'));
    }
    if (!permits(role)) {
      return reply.code(403).send(refuse('FORBIDDEN', `role ${role} may not do this; needs ${needs}`));
    }
    (request as FastifyRequest & { role?: Role }).role = role;
  };
}

/** A preHandler that lets through only bearer tokens of the given roles. */
export function requireRole(tokens: TokenRoles, allowed: readonly Role[]) {
  return guard(tokens, (role) => allowed.includes(role), allowed.join(' or '), flatRefusal);
}

/** Roles in order of power: a role may do everything a lower one may. */
const ROLE_RANK: Readonly<Record<Role, number>> = { auditor: -1, viewer: 0, analyst: 1, admin: 2 };

/**
 * Like requireRole, for the analyst API: lets through tokens of `minimum` or a
 * higher role (viewer < analyst < admin), answering 401/403 in the API's
 * problem shape `{ error: { code, message } }` (problems.ts).
 */
export function requireAtLeast(tokens: TokenRoles, minimum: Role) {
  return guard(
    tokens,
    (role) => ROLE_RANK[role] >= ROLE_RANK[minimum],
    `${minimum} or above`,
    problemRefusal,
  );
}

/**
 * Like requireRole, in the analyst API's problem shape: lets through only
 * tokens of the listed roles (e.g. the audit routes: auditor or admin).
 */
export function requireOneOf(tokens: TokenRoles, allowed: readonly Role[]) {
  return guard(tokens, (role) => allowed.includes(role), allowed.join(' or '), problemRefusal);
}

/** The role requireRole/requireAtLeast attached to the request. */
export const roleOfRequest = (request: FastifyRequest): Role | undefined =>
  (request as FastifyRequest & { role?: Role }).role;
