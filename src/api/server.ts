/**
 * Vigil's HTTP server (fastify). Composed of plugins, one per concern, each
 * route declaring its request and response schemas: Shared Signals
 * transmitter metadata and JWKS (routes/ssf.ts), RFC 8936 poll delivery
 * (routes/poll.ts), and the ext_authz-style check for gateways and meshes
 * (routes/check.ts); and, when given a query store, the analyst API
 * (health/readiness/metrics, alerts, identities, models, ingest) with
 * `/openapi.json` generated from every route's schema (openapi.ts).
 * Binds to 127.0.0.1 unless told otherwise.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AuditHook } from '../audit/log.js';
import type { EffectivenessWindow } from '../evaluation/effectiveness-window.js';
import type { Logger } from '../logging.js';
import { installReveal, type RevealOptions } from '../privacy/reveal.js';
import type { EnforcementTable } from '../signals/enforcement.js';
import type { SigningKey } from '../signals/keys.js';
import type { Outbox } from '../signals/outbox.js';
import type { QueryStore } from '../store/queries.js';
import type { TokenRoles } from './auth.js';
import type { FeedbackService } from './feedback.js';
import type { EngineMetrics, ModelDescription } from './metrics.js';
import { OpenApiCollector } from './openapi.js';
import { alertRoutes } from './routes/alerts.js';
import { type AuditRouteOptions, auditRoutes } from './routes/audit.js';
import { checkRoutes } from './routes/check.js';
import { decisionRoutes } from './routes/decisions.js';
import { effectivenessRoutes } from './routes/effectiveness.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { type IdentityAccess, identityRoutes } from './routes/identities.js';
import { type IngestRouteOptions, ingestRoutes } from './routes/ingest.js';
import { type ModelTrainingOptions, modelTrainingRoutes } from './routes/model-training.js';
import { modelRoutes } from './routes/models.js';
import { pollRoutes } from './routes/poll.js';
import { type PrivacyAccess, privacyRoutes } from './routes/privacy.js';
import { ssfRoutes } from './routes/ssf.js';
import { webRoutes } from './routes/web.js';

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
  /** The analyst API (absent: none of its routes). */
  analyst?: AnalystApiDependencies;
}

export interface AnalystApiDependencies {
  tokens: TokenRoles;
  /** The store's read side (SQLite or ClickHouse, behind the shared interface). */
  queries: QueryStore;
  /** Named readiness checks for /readyz (source, store, models, …). */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  metrics?: EngineMetrics;
  models?: () => readonly ModelDescription[];
  identities?: IdentityAccess;
  ingest?: Pick<IngestRouteOptions, 'accept' | 'requestsPerMinute'>;
  /** Retraining on request (POST /api/models/:name/train). */
  training?: Omit<ModelTrainingOptions, 'tokens'>;
  /** Production effectiveness over the engine's recent window (GET /api/effectiveness). */
  effectiveness?: EffectivenessWindow;
  /** Erasure of an identity (DELETE /api/identities/:id, admin); absent: that route answers 503. */
  privacy?: PrivacyAccess;
  /** When the store holds pseudonyms: who sees real identities (src/privacy/reveal.ts). */
  reveal?: RevealOptions;
  /** The audit trail (GET /api/audit, /api/audit/verify for auditors) and the hook analyst actions are recorded with. */
  audit?: Omit<AuditRouteOptions, 'tokens'> & { hook?: AuditHook };
}

async function registerAnalystApi(app: FastifyInstance, api: AnalystApiDependencies): Promise<void> {
  const { tokens, queries } = api;
  if (api.reveal) installReveal(app, api.reveal);
  await app.register(healthRoutes, { readiness: api.readiness ?? {}, metrics: api.metrics });
  await app.register(alertRoutes, { queries, tokens });
  await app.register(decisionRoutes, { queries, tokens });
  await app.register(identityRoutes, { queries, tokens, access: api.identities, audit: api.audit?.hook });
  if (api.audit) await app.register(auditRoutes, { ...api.audit, tokens });
  await app.register(privacyRoutes, { tokens, privacy: api.privacy });
  await app.register(modelRoutes, { tokens, models: api.models });
  await app.register(modelTrainingRoutes, { tokens, ...api.training });
  await app.register(ingestRoutes, { tokens, ...api.ingest });
  await app.register(effectivenessRoutes, { tokens, effectiveness: api.effectiveness });
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
  // Before any route, so the OpenAPI document sees them all.
  const openApi = new OpenApiCollector();
  app.addHook('onRoute', openApi.onRoute);
  await app.register(ssfRoutes, deps);
  if (deps.poll) await app.register(pollRoutes, { ...deps.poll, key: deps.key });
  await app.register(checkRoutes, { enforcement: deps.enforcement });
  await app.register(webRoutes, {});
  if (deps.feedback) {
    await app.register(feedbackRoutes, { feedback: deps.feedback.service, tokens: deps.feedback.tokens });
  }
  if (deps.analyst) await registerAnalystApi(app, deps.analyst);
  // Precision in production comes from analyst verdicts, which the feedback service counts.
  const verdicts = deps.feedback?.service.counts;
  if (verdicts) deps.analyst?.effectiveness?.attach({ verdicts: () => verdicts });
  app.get('/openapi.json', async () => openApi.document({ title: 'Vigil API', version: '1' }));
  return app;
}

/** Builds and starts the server; resolves with it listening (port 0 picks a free port). */
export async function startServer(deps: ApiDependencies, options: ApiOptions): Promise<FastifyInstance> {
  const app = await buildServer(deps, options.logger);
  await app.listen({ host: options.host, port: options.port });
  return app;
}
