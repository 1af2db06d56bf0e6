/**
 * Reveal on the analyst API when the store holds pseudonyms: answers to a
 * role listed in `privacy.reveal_roles` have every pseudonym replaced by the
 * identity it stands for (from the pseudonym directory); other roles see
 * pseudonyms. A GET naming an identity by its real name (`/api/identities/
 * alice@example.com`) is looked up by its pseudonym, so links keep working
 * for everyone who knows the name. Installed as hooks on the API server.
 *
 * Never reveals to a role not listed; never logs identities.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../api/auth.js';
import { roleOfRequest } from '../api/auth.js';
import type { Pseudonymizer } from './pseudonym.js';
import type { PseudonymDirectory } from './pseudonymizing-sink.js';

const PSEUDONYMS = /p_[0-9a-f]{24}/g;

export interface RevealOptions {
  directory: PseudonymDirectory;
  pseudonyms: Pseudonymizer;
  revealRoles: readonly Role[];
}

/** JSON text with every known pseudonym replaced by its identity (JSON-escaped). */
export function revealText(text: string, directory: PseudonymDirectory): string {
  const cache = new Map<string, string>();
  return text.replace(PSEUDONYMS, (pseudonym) => {
    let out = cache.get(pseudonym);
    if (out === undefined) {
      const identity = directory.identityOf(pseudonym);
      out = identity === undefined ? pseudonym : JSON.stringify(identity).slice(1, -1);
      cache.set(pseudonym, out);
    }
    return out;
  });
}

export const mayReveal = (role: Role | undefined, allowed: readonly Role[]) =>
  role !== undefined && allowed.includes(role);

export function installReveal(app: FastifyInstance, options: RevealOptions): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const params = request.params as { id?: unknown } | undefined;
    if (request.method !== 'GET' || !request.url.startsWith('/api/identities/')) return;
    if (typeof params?.id === 'string' && !/^p_[0-9a-f]{24}$/.test(params.id)) {
      params.id = options.pseudonyms.pseudonym(params.id);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || !request.url.startsWith('/api/')) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    if (!mayReveal(roleOfRequest(request), options.revealRoles)) return payload;
    return revealText(payload, options.directory);
  });
}
