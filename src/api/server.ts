/**
 * Vigil's HTTP server (fastify). Composed of plugins, one per concern, each
 * route declaring its request and response schemas: Shared Signals
 * transmitter metadata and JWKS (routes/ssf.ts), RFC 8936 poll delivery
 * (routes/poll.ts), and the ext_authz-style check for gateways and meshes
 * (routes/check.ts). Later issues add the analyst API as further plugins.
 * Binds to 127.0.0.1 unless told otherwise.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../logging.js';
import type { EnforcementTable } from '../signals/enforcement.js';
import type { SigningKey } from '../signals/keys.js';
import type { Outbox } from '../signals/outbox.js';
import type { TokenRoles } from './auth.js';
import type { FeedbackService } from './feedback.js';
import { checkRoutes } from './routes/check.js';
import { feedbackRoutes } from './routes/feedback.js';
import { pollRoutes } from './routes/poll.js';
import { ssfRoutes } from './routes/ssf.js';

export interface ApiDependencies {
  issuer: string;
  key: SigningKey;
  enforcement: EnforcementTable;
  /** Outbox served by the poll endpoint (absent: no poll delivery). */
  poll?: { outbox: Outbox; audience: string };
  /** Whether SETs are also pushed (advertised in the transmitter metadata). */
  push: boolean;
  /** Analyst feedback on alerts (absent: no feedback route). */
  feedback?: { service: FeedbackService; tokens: TokenRoles };
}

export interface ApiOptions {
  host: string;
  port: number;
  logger?: Logger;
}

export async function buildServer(deps: ApiDependencies, logger?: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger | undefined,
    // Per-request logs would flood at gateway check rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  await app.register(ssfRoutes, deps);
  if (deps.poll) await app.register(pollRoutes, { ...deps.poll, key: deps.key });
  await app.register(checkRoutes, { enforcement: deps.enforcement });
  if (deps.feedback) {
    await app.register(feedbackRoutes, { feedback: deps.feedback.service, tokens: deps.feedback.tokens });
  }
  return app;
}

/** Builds and starts the server; resolves with it listening (port 0 picks a free port). */
export async function startServer(deps: ApiDependencies, options: ApiOptions): Promise<FastifyInstance> {
  const app = await buildServer(deps, options.logger);
  await app.listen({ host: options.host, port: options.port });
  return app;
}
