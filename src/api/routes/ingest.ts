/**
 * `POST /api/ingest`: a batch of raw events in a named input format, each
 * decoded like any source's records (src/events/decode.ts), answered per
 * event: accepted, or rejected with the decoder's reason code, field and
 * message. Accepted events are handed to `accept` (the CLI wires it to the
 * engine's input); without it the answer says they were validated only.
 * Analyst or admin; rate-limited per client.
 */
import rateLimit from '@fastify/rate-limit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { decodeMappedAll } from '../../events/decode.js';
import { FORMAT_NAMES, inputFormat } from '../../events/formats/index.js';
import type { VigilEvent } from '../../events/schema.js';
import { requireAtLeast, type TokenRoles } from '../auth.js';
import { PROTECTED_PROBLEMS, Problem, problem, problemHandler } from '../problems.js';

export interface IngestRouteOptions {
  tokens: TokenRoles;
  /** Receives the accepted events (absent: validate only). */
  accept?: (events: VigilEvent[]) => void | Promise<void>;
  /** Requests per client per minute (default 60). */
  requestsPerMinute?: number;
  now?: () => number;
}

const MAX_EVENTS = 1000;

const Body = Type.Object(
  {
    format: Type.String({ minLength: 1, maxLength: 32 }),
    events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_EVENTS }),
  },
  { additionalProperties: false },
);
const Outcome = Type.Object({
  index: Type.Integer(),
  accepted: Type.Boolean(),
  event_id: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});
const Answer = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  /** False when the server validated the events but has no engine input to hand them to. */
  forwarded: Type.Boolean(),
  results: Type.Array(Outcome),
});

export const ingestRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, options) => {
  const { tokens, accept, now = Date.now } = options;
  app.setErrorHandler(problemHandler);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `rate limit of ${context.max} requests per ${context.after} exceeded; retry later`,
    }),
  });

  app.post<{ Body: Static<typeof Body> }>(
    '/api/ingest',
    {
      onRequest: requireAtLeast(tokens, 'analyst'),
      config: { rateLimit: { max: options.requestsPerMinute ?? 60, timeWindow: 60_000 } },
      schema: { body: Body, response: { 200: Answer, 429: Problem, 503: Problem, ...PROTECTED_PROBLEMS } },
    },
    async (request, reply) => {
      if (!FORMAT_NAMES.includes(request.body.format)) {
        return reply
          .code(400)
          .send(
            problem(
              'FORMAT_UNKNOWN',
              `unknown format "${request.body.format}"; known: ${FORMAT_NAMES.join(', ')}`,
            ),
          );
      }
      const format = inputFormat(request.body.format);
      const nowMs = now();
      const results: Static<typeof Outcome>[] = [];
      const events: VigilEvent[] = [];
      request.body.events.forEach((raw, index) => {
        for (const decoded of decodeMappedAll(raw, format, nowMs)) {
          if (decoded.ok) {
            events.push(decoded.value);
            results.push({ index, accepted: true, event_id: decoded.value.id });
          } else {
            results.push({
              index,
              accepted: false,
              reason: decoded.code,
              field: decoded.field,
              message: decoded.message,
            });
          }
        }
      });
      if (accept && events.length > 0) await accept(events);
      return {
        accepted: events.length,
        rejected: results.length - events.length,
        forwarded: accept !== undefined,
        results,
      };
    },
  );
};
