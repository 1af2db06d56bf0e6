/**
 * RFC 8935 push delivery to one receiver: takes SETs from that receiver's
 * durable outbox in order, signs each (its `aud` set to the receiver's
 * audience), POSTs it as `application/secevent+jwt` and acknowledges it in the
 * outbox on 202 Accepted (any 2xx). A receiver outage (network error, 5xx,
 * 408, 429) is retried with exponential backoff, forever: nothing is lost, and
 * an engine restart resumes from the outbox. Other 4xx answers are final
 * (RFC 8935 §2.3: the receiver rejected the SET): the SET is acknowledged as
 * failed with the receiver's `err` code, and logged.
 */
import type { Logger } from '../logging.js';
import type { SigningKey } from './keys.js';
import type { Outbox } from './outbox.js';

export interface PushTarget {
  url: string;
  audience: string;
  authHeader?: string;
}

export interface PushOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface PushStats {
  delivered: number;
  rejected: number;
  retries: number;
}

const TRANSIENT = new Set([408, 425, 429]);

export class PushDeliverer {
  readonly stats: PushStats = { delivered: 0, rejected: 0, retries: 0 };
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly target: PushTarget,
    readonly outbox: Outbox,
    private readonly key: SigningKey,
    private readonly options: PushOptions,
    private readonly log?: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the request in flight; pending SETs stay in the outbox. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let backoff = this.options.initialBackoffMs;
    while (!signal.aborted) {
      await this.outbox.whenPending(signal);
      const [entry] = this.outbox.peek(1);
      if (!entry || signal.aborted) continue;
      const outcome = await this.deliver(entry.set);
      if (outcome === 'retry') {
        this.stats.retries++;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
        continue;
      }
      backoff = this.options.initialBackoffMs;
      if (outcome === 'delivered') this.stats.delivered++;
      else this.stats.rejected++;
      this.outbox.ack(entry.jti, outcome === 'delivered' ? undefined : outcome.rejected);
      this.outbox.sync();
    }
  }

  private async deliver(set: Record<string, unknown>): Promise<'delivered' | 'retry' | { rejected: string }> {
    let token: string;
    try {
      token = await this.key.sign({ ...set, aud: this.target.audience });
    } catch (error) {
      return { rejected: `signing failed: ${(error as Error).message}` };
    }
    const headers: Record<string, string> = {
      'content-type': 'application/secevent+jwt',
      accept: 'application/json',
    };
    if (this.target.authHeader) headers.authorization = this.target.authHeader;
    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        headers,
        body: token,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await response.text().catch(() => '');
      if (response.ok) return 'delivered';
      if (response.status >= 500 || TRANSIENT.has(response.status)) {
        this.log?.warn({ receiver: this.target.url, status: response.status }, 'SET push failed; will retry');
        return 'retry';
      }
      const err = errorCode(text) ?? `http_${response.status}`;
      this.log?.error(
        { receiver: this.target.url, status: response.status, err, jti: set.jti },
        'SET rejected by receiver',
      );
      return { rejected: err };
    } catch (error) {
      this.log?.warn(
        { receiver: this.target.url, error: (error as Error).message },
        'SET push failed; will retry',
      );
      return 'retry';
    }
  }
}

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { err?: unknown };
    return typeof parsed.err === 'string' ? parsed.err : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
