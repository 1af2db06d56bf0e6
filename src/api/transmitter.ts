/**
 * Starts the Shared Signals transmitter for a running pipeline: loads (or
 * creates) the signing key, opens one durable outbox per push receiver plus
 * one for poll delivery, starts a push deliverer per receiver, keeps the
 * enforcement table for the check endpoint, and (if `api.enabled`) the HTTP
 * server. Returns the sink the engine writes to and a `close` that stops
 * delivery and the server; pending SETs stay in the outboxes for next start.
 */
import type { FastifyInstance } from 'fastify';
import type { AuditHook } from '../audit/log.js';
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import type { Sink } from '../engine/types.js';
import type { Logger } from '../logging.js';
import type { Suppressions } from '../risk/policy-suppressions.js';
import { EnforcementTable } from '../signals/enforcement.js';
import { loadOrCreateSigningKey, type SigningKey } from '../signals/keys.js';
import { Outbox } from '../signals/outbox.js';
import { PushDeliverer } from '../signals/push.js';
import { SignalsSink } from '../sinks/signals.js';
import type { FeedbackStore } from '../store/queries.js';
import type { TokenRoles } from './auth.js';
import { FeedbackService } from './feedback.js';
import { type AnalystApiDependencies, startServer } from './server.js';

/** What the analyst API needs from the running engine. */
export interface TransmitterExtras {
  store?: StateStore;
  suppressions?: Suppressions;
  tokens?: TokenRoles;
  /** Where verdicts are also stored for queries (the pipeline's store). */
  feedbackStore?: FeedbackStore;
  /** Records analyst verdicts in the audit trail (src/audit/). */
  audit?: AuditHook;
  /** The analyst API's engine-side parts (store read side, metrics, …); absent: not served. */
  analyst?: Omit<AnalystApiDependencies, 'tokens'>;
}

export interface Transmitter {
  key: SigningKey;
  /** Present when the API is enabled. */
  feedback?: FeedbackService;
  enforcement: EnforcementTable;
  sink: Sink;
  deliverers: PushDeliverer[];
  /** Present when the API (and so the poll endpoint) is enabled. */
  pollOutbox?: Outbox;
  server?: FastifyInstance;
  close(): Promise<void>;
}

/** A file-name-safe, stable name for a receiver's outbox. */
const outboxName = (url: string, index: number) =>
  `push-${index}-${url
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 80)}`;

export async function startTransmitter(
  config: Pick<PipelineConfig, 'signals' | 'api' | 'policy'>,
  log?: Logger,
  now: () => number = Date.now,
  extras: TransmitterExtras = {},
): Promise<Transmitter> {
  const signals = config.signals;
  const key = await loadOrCreateSigningKey(signals.keys_dir);
  const enforcement = new EnforcementTable(now);
  // Poll delivery only when the API that serves it runs; otherwise its outbox would only grow.
  const pollOutbox =
    config.api.enabled && signals.poll ? new Outbox({ dir: signals.outbox_dir, name: 'poll' }) : undefined;
  const deliverers = signals.push.map((receiver, index) => {
    const outbox = new Outbox({ dir: signals.outbox_dir, name: outboxName(receiver.url, index) });
    return new PushDeliverer(
      { url: receiver.url, audience: receiver.audience, authHeader: receiver.auth_header },
      outbox,
      key,
      { initialBackoffMs: signals.retry.initial_ms, maxBackoffMs: signals.retry.max_ms },
      log,
    );
  });
  const outboxes = [...(pollOutbox ? [pollOutbox] : []), ...deliverers.map((d) => d.outbox)];
  for (const deliverer of deliverers) deliverer.start();
  let server: FastifyInstance | undefined;
  const feedback = config.api.enabled
    ? new FeedbackService(
        {
          path: config.api.feedback_path,
          suppressMs: config.policy.false_positive_suppress_minutes * 60_000,
          store: extras.feedbackStore,
          onStoreError: (error) =>
            log?.warn({ err: error.message }, 'feedback not stored (kept in the file)'),
          audit: extras.audit,
        },
        extras.store,
        extras.suppressions,
      )
    : undefined;
  if (config.api.enabled) {
    server = await startServer(
      {
        issuer: signals.issuer,
        key,
        enforcement,
        poll: pollOutbox ? { outbox: pollOutbox, audience: signals.audience } : undefined,
        push: deliverers.length > 0,
        feedback: feedback ? { service: feedback, tokens: extras.tokens ?? new Map() } : undefined,
        analyst: extras.analyst ? { ...extras.analyst, tokens: extras.tokens ?? new Map() } : undefined,
      },
      { host: config.api.host, port: config.api.port, logger: log },
    );
    log?.info({ address: server.addresses()[0] }, 'API listening');
  }
  return {
    key,
    enforcement,
    sink: feedback
      ? fanOut(new SignalsSink(outboxes, enforcement), feedback.sink)
      : new SignalsSink(outboxes, enforcement),
    feedback,
    deliverers,
    pollOutbox,
    server,
    async close() {
      await server?.close();
      for (const deliverer of deliverers) await deliverer.stop();
      for (const outbox of outboxes) outbox.close();
    },
  };
}

/** The transmitter a pipeline asks for: none unless it enables the API or names push receivers. */
export async function startTransmitterFor(
  config: Pick<PipelineConfig, 'signals' | 'api' | 'policy'>,
  log?: Logger,
  extras: TransmitterExtras = {},
): Promise<Transmitter | undefined> {
  if (!config.api.enabled && config.signals.push.length === 0) return undefined;
  return startTransmitter(config, log, Date.now, extras);
}

/** One sink that writes to several, in order. */
function fanOut(...sinks: Sink[]): Sink {
  return {
    name: sinks.map((sink) => sink.name).join('+'),
    write: async (output) => {
      for (const sink of sinks) await sink.write(output);
    },
    flush: async () => {
      for (const sink of sinks) await sink.flush();
    },
    close: async () => {
      for (const sink of sinks) await sink.close();
    },
  };
}
