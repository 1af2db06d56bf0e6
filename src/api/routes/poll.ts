/**
 * RFC 8936 poll delivery: a receiver POSTs acknowledgements (and errors) for
 * SETs it received and gets the next pending SETs, signed, keyed by jti.
 * SETs stay in the durable poll outbox until acknowledged; with
 * `returnImmediately: false` the request waits (up to 10 s) for a SET.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { SigningKey } from '../../signals/keys.js';
import type { Outbox } from '../../signals/outbox.js';

const PollRequest = Type.Object({
  maxEvents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  returnImmediately: Type.Optional(Type.Boolean()),
  ack: Type.Optional(Type.Array(Type.String())),
  setErrs: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Object({ err: Type.String(), description: Type.Optional(Type.String()) }),
    ),
  ),
});

const PollResponse = Type.Object({
  sets: Type.Record(Type.String(), Type.String()),
  moreAvailable: Type.Boolean(),
});

export interface PollRouteOptions {
  outbox: Outbox;
  audience: string;
  key: SigningKey;
}

const LONG_POLL_MS = 10_000;

export const pollRoutes: FastifyPluginAsync<PollRouteOptions> = async (app, options) => {
  const { outbox, audience, key } = options;
  app.post<{
    Body: {
      maxEvents?: number;
      returnImmediately?: boolean;
      ack?: string[];
      setErrs?: Record<string, { err: string }>;
    };
  }>('/ssf/poll', { schema: { body: PollRequest, response: { 200: PollResponse } } }, async (request) => {
    const body = request.body ?? {};
    for (const jti of body.ack ?? []) outbox.ack(jti);
    for (const [jti, error] of Object.entries(body.setErrs ?? {})) outbox.ack(jti, error.err);
    outbox.sync();
    const max = body.maxEvents ?? 100;
    if (max > 0 && outbox.size === 0 && body.returnImmediately === false) {
      await outbox.whenPending(AbortSignal.timeout(LONG_POLL_MS));
    }
    const sets: Record<string, string> = {};
    const batch = max > 0 ? outbox.peek(max) : [];
    for (const entry of batch) sets[entry.jti] = await key.sign({ ...entry.set, aud: audience });
    return { sets, moreAvailable: outbox.size > batch.length };
  });
};
