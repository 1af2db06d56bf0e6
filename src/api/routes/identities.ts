/**
 * Identities: `GET /api/identities` (by current risk), `GET /api/identities/:id`
 * (risk now and over time, recent events, and a baseline summary when the
 * engine's state is reachable), and the analyst actions `POST …/revoke` and
 * `POST …/reset`. An action goes through the engine's decision/signal path
 * only when the server was given an accessor for it; otherwise it is recorded
 * and the answer says so (`enforced: false`).
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AuditHook } from '../../audit/log.js';
import type { QueryStore } from '../../store/queries.js';
import { type Role, requireAtLeast, roleOfRequest, type TokenRoles } from '../auth.js';
import { PageInfo, pageInfo } from '../pagination.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export const BaselineSummary = Type.Object({
  mature: Type.Boolean(),
  events: Type.Number(),
  /** 168 weights, hour-of-week (Monday 00:00 UTC = 0). */
  hour_of_week: Type.Array(Type.Number()),
  devices: Type.Array(Type.String()),
  countries: Type.Array(Type.String()),
});
export type BaselineSummary = Static<typeof BaselineSummary>;

export type IdentityAction = 'revoke' | 'reset';

export interface ActionOutcome {
  /** True when the engine acted (decision/signal emitted, state reset); false when only recorded. */
  enforced: boolean;
  detail: string;
}

/** Engine-side hooks the CLI may pass; each is optional. */
export interface IdentityAccess {
  baseline?: (identity: string) => BaselineSummary | undefined;
  act?: (identity: string, action: IdentityAction, by: Role, reason?: string) => Promise<ActionOutcome>;
}

export interface RecordedAction {
  identity: string;
  action: IdentityAction;
  by: Role;
  reason?: string;
  at_ms: number;
}

export interface IdentityRouteOptions {
  queries: QueryStore;
  tokens: TokenRoles;
  access?: IdentityAccess;
  /** Records each revoke/reset in the audit trail (absent: not audited). */
  audit?: AuditHook;
  now?: () => number;
}

const ALL_TIME = { fromMs: 0, toMs: 8_640_000_000_000_000 };
const HOUR_MS = 3_600_000;

const Identity = Type.Object({
  identity: Type.String(),
  max_risk: Type.Number(),
  events: Type.Number(),
  last_seen_ms: Type.Number(),
});
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 9000 })),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });
const DetailQuery = Type.Object(
  {
    bucket_s: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 })),
    events: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
const RecentEvent = Type.Object({
  event_id: Type.String(),
  time_ms: Type.Number(),
  kind: Type.String(),
  risk: Type.Number(),
  components: Type.Record(Type.String(), Type.Number()),
  detectors: Type.Array(Type.String()),
});
const Detail = Type.Object({
  identity: Type.String(),
  risk_now: Type.Number(),
  last_seen_ms: Type.Number(),
  risk_over_time: Type.Array(
    Type.Object({
      bucket_ms: Type.Number(),
      avg_risk: Type.Number(),
      max_risk: Type.Number(),
      events: Type.Number(),
    }),
  ),
  recent_events: Type.Array(RecentEvent),
  baseline: Type.Union([BaselineSummary, Type.Null()]),
});
const ActionBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const ActionAnswer = Type.Object({
  identity: Type.String(),
  action: Type.String(),
  enforced: Type.Boolean(),
  detail: Type.String(),
});

export const identityRoutes: FastifyPluginAsync<IdentityRouteOptions> = async (app, options) => {
  const { queries, tokens, access = {}, now = Date.now } = options;
  const recorded: RecordedAction[] = [];
  app.setErrorHandler(problemHandler);
  const viewer = requireAtLeast(tokens, 'viewer');
  const analyst = requireAtLeast(tokens, 'analyst');

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/identities',
    {
      onRequest: viewer,
      schema: {
        querystring: ListQuery,
        response: {
          200: Type.Object({ identities: Type.Array(Identity), page: PageInfo }),
          ...PROTECTED_PROBLEMS,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      // topRiskyIdentities has no offset: read through the page and drop the head.
      const identities = (await queries.topRiskyIdentities(ALL_TIME, offset + limit)).slice(offset);
      return { identities, page: { ...pageInfo(limit, offset, identities.length), next_cursor: null } };
    },
  );

  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof DetailQuery> }>(
    '/api/identities/:id',
    {
      onRequest: viewer,
      schema: {
        params: Params,
        querystring: DetailQuery,
        response: { 200: Detail, 404: Problem, ...PROTECTED_PROBLEMS },
      },
    },
    async (request, reply) => {
      const identity = request.params.id;
      const bucketS = request.query.bucket_s ?? 3600;
      const overTime = await queries.riskOverTime(ALL_TIME, bucketS, identity);
      const last = overTime.at(-1);
      if (!last)
        return reply.code(404).send(problem('NOT_FOUND', `no events for identity ${identity} in the store`));
      // The timeline reads oldest first: start at the last bucket (widened) and keep the tail.
      const window = { fromMs: last.bucket_ms - HOUR_MS };
      const timeline = await queries.identityTimeline(identity, window, 500);
      const recent = timeline.slice(-(request.query.events ?? 50)).reverse();
      return {
        identity,
        risk_now: recent[0]?.risk ?? 0,
        last_seen_ms: recent[0]?.time_ms ?? last.bucket_ms,
        risk_over_time: overTime,
        recent_events: recent,
        baseline: access.baseline?.(identity) ?? null,
      };
    },
  );

  for (const action of ['revoke', 'reset'] as const) {
    app.post<{ Params: Static<typeof Params>; Body: Static<typeof ActionBody> }>(
      `/api/identities/:id/${action}`,
      {
        onRequest: analyst,
        schema: { params: Params, body: ActionBody, response: { 200: ActionAnswer, ...PROTECTED_PROBLEMS } },
      },
      async (request) => {
        const identity = request.params.id;
        const by = roleOfRequest(request) ?? 'analyst';
        const reason = request.body?.reason;
        if (access.act) {
          const outcome = await access.act(identity, action, by, reason);
          await auditIdentityAction(options.audit, { identity, action, by, reason, ...outcome });
          return { identity, action, ...outcome };
        }
        recorded.push({ identity, action, by, reason, at_ms: now() });
        request.log.info({ identity, action, by }, 'identity action recorded, not enforced');
        const notEnforced = {
          enforced: false,
          detail: `recorded only: this server has no engine accessor to ${action} ${identity}; no decision or signal was emitted`,
        };
        await auditIdentityAction(options.audit, { identity, action, by, reason, ...notEnforced });
        return { identity, action, ...notEnforced };
      },
    );
  }
};

/** Appends a manual revoke/reset to the audit trail (src/audit/), with the acting role as actor. */
function auditIdentityAction(
  audit: AuditHook | undefined,
  act: {
    identity: string;
    action: IdentityAction;
    by: Role;
    reason?: string;
    enforced: boolean;
    detail: string;
  },
): Promise<void> {
  if (!audit) return Promise.resolve();
  return audit.record({
    kind: act.action === 'revoke' ? 'manual_revoke' : 'manual_reset',
    actor: act.by,
    subject: act.identity,
    payload: {
      enforced: act.enforced,
      detail: act.detail,
      ...(act.reason ? { reason: act.reason } : {}),
    },
  });
}
