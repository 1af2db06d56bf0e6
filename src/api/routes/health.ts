/**
 * Liveness, readiness and Prometheus metrics. `/healthz` answers while the
 * process serves HTTP; `/readyz` only when every readiness check (source,
 * store, models, …: callbacks passed in by the CLI) says so; `/metrics` is the
 * EngineMetrics registry as Prometheus text. No auth: scraped by the platform.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { EngineMetrics } from '../metrics.js';
import { Problem, problem, problemHandler } from '../problems.js';

/** A named readiness check: true when that dependency is up. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HealthRouteOptions {
  readiness: Readonly<Record<string, ReadinessCheck>>;
  metrics?: EngineMetrics;
}

const Checks = Type.Record(Type.String(), Type.Boolean());
const Health = Type.Object({ status: Type.Literal('ok') });
const Readiness = Type.Object({ ready: Type.Boolean(), checks: Checks });

async function runChecks(readiness: HealthRouteOptions['readiness']): Promise<Record<string, boolean>> {
  const results: Record<string, boolean> = {};
  for (const [name, check] of Object.entries(readiness)) {
    try {
      results[name] = await check();
    } catch {
      results[name] = false;
    }
  }
  return results;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { readiness, metrics }) => {
  app.setErrorHandler(problemHandler);

  app.get('/healthz', { schema: { response: { 200: Health } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/readyz',
    { schema: { response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const checks = await runChecks(readiness);
      const ready = Object.values(checks).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );

  app.get(
    '/metrics',
    { schema: { response: { 200: Type.String(), 404: Problem } } },
    async (_request, reply) => {
      if (!metrics) return reply.code(404).send(problem('NOT_FOUND', 'this server has no engine metrics'));
      return reply.type(metrics.contentType).send(await metrics.text());
    },
  );
};
