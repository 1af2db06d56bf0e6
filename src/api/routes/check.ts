/**
 * The access check for API gateways and service meshes, shaped for Envoy's
 * ext_authz HTTP service (any path under /v1/check, the original request's
 * headers forwarded): 200 allow; 401 with an RFC 9470 step-up challenge
 * (`WWW-Authenticate: Bearer error="insufficient_user_authentication"`) when
 * the identity must authenticate again; 403 when it is revoked or
 * quarantined. The subject comes from `?subject=` or the `x-vigil-subject`
 * header; `auth_time` (epoch seconds, `?auth_time=` or `x-vigil-auth-time`)
 * lets a session authenticated after a revoke/step-up decision through.
 * The device the request comes from (`?device=` or `x-vigil-device`, the
 * identity provider's device id) is checked too: a quarantined device is
 * denied (403) whoever uses it; either a subject or a device is required.
 * Answers from the in-memory enforcement table, no I/O.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { EnforcementTable } from '../../signals/enforcement.js';

const CheckQuery = Type.Object({
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  auth_time: Type.Optional(Type.Integer({ minimum: 0 })),
  device: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});

const CheckHeaders = Type.Object({
  'x-vigil-subject': Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  'x-vigil-auth-time': Type.Optional(Type.Integer({ minimum: 0 })),
  'x-vigil-device': Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});

const CheckAnswer = Type.Object({
  verdict: Type.Union([Type.Literal('allow'), Type.Literal('step_up'), Type.Literal('deny')]),
  subject: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  rule: Type.Optional(Type.String()),
  decision_id: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

const Problem = Type.Object({ error: Type.String(), message: Type.String() });

type CheckRequest = FastifyRequest<{
  Querystring: { subject?: string; auth_time?: number; device?: string };
  Headers: { 'x-vigil-subject'?: string; 'x-vigil-auth-time'?: number; 'x-vigil-device'?: string };
}>;

const schema = {
  querystring: CheckQuery,
  headers: CheckHeaders,
  response: { 200: CheckAnswer, 401: CheckAnswer, 403: CheckAnswer, 400: Problem },
};

/** Header values must stay on one line and in ASCII. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);

export const checkRoutes: FastifyPluginAsync<{ enforcement: EnforcementTable }> = async (
  app,
  { enforcement },
) => {
  const handler = async (request: CheckRequest, reply: FastifyReply) => {
    const subject = request.query.subject ?? request.headers['x-vigil-subject'];
    const device = request.query.device ?? request.headers['x-vigil-device'];
    if (!subject && !device) {
      return reply.code(400).send({
        error: 'SUBJECT_MISSING',
        message: 'pass ?subject= or the x-vigil-subject header (and/or ?device= or x-vigil-device)',
      });
    }
    // A quarantined device is denied outright; otherwise the identity's own verdict stands.
    const deviceResult = device ? enforcement.checkDevice(device) : undefined;
    const result =
      deviceResult?.verdict === 'deny' || !subject
        ? (deviceResult ?? { verdict: 'allow' as const })
        : enforcement.check(subject, request.query.auth_time ?? request.headers['x-vigil-auth-time']);
    reply.header('x-vigil-decision', result.action ?? 'allow');
    if (result.verdict === 'allow') return reply.code(200).send({ verdict: 'allow', subject, device });
    const body = {
      verdict: result.verdict,
      subject,
      device,
      action: result.action,
      rule: result.rule,
      decision_id: result.decisionId,
      reason: result.reason,
    };
    reply.header('x-vigil-reason', headerSafe(result.reason ?? result.action ?? ''));
    if (result.verdict === 'step_up') {
      reply.header(
        'www-authenticate',
        `Bearer error="insufficient_user_authentication", error_description="step-up required by policy ${result.rule}", max_age=0`,
      );
      return reply.code(401).send(body);
    }
    return reply.code(403).send(body);
  };
  app.get('/v1/check', { schema }, handler);
  app.get('/v1/check/*', { schema }, handler);
};
