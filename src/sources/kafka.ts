/**
 * Kafka source: a kafkajs consumer-group member whose `eachBatch` hands
 * message batches to the engine's pull loop (`next`) and waits until the
 * engine commits them. Auto-commit is off; `commit(position)` — called by the
 * runner only after every sink flushed — commits the offset to Kafka and
 * releases the batch. While the engine is busy (e.g. a sink retrying a
 * down ClickHouse) the partition waits in `eachBatch`, heartbeating, so
 * nothing more is fetched for it: consumption pauses by construction.
 *
 * Every batch holds records of one topic-partition; its position says which
 * (`KafkaPosition`), so partition-aware callers can keep state per partition.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { PartitionedPosition, PartitionedSource } from '../engine/partitioned-types.js';
import type { RawRecord, SourceBatch } from '../engine/types.js';
import type { Logger } from '../logging.js';
import { createKafka, type KafkaConnectionOptions } from './kafka-client.js';

export interface KafkaSourceOptions extends KafkaConnectionOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts (default: earliest). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  logger?: Logger;
}

/** Where a batch ends: commit `offset` (the next offset to read) for this topic-partition. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  /** First offset of the batch. */
  firstOffset: string;
  /** The next offset to consume, i.e. the committed offset once this batch is done. */
  offset: string;
}

interface PendingBatch {
  batch: SourceBatch;
  done: () => void;
  failed: (error: Error) => void;
}

const HEARTBEAT_EVERY_MS = 1000;
const MAX_CRASH_REJOINS = 20;

export class KafkaSource implements PartitionedSource {
  readonly name: string;
  private readonly consumer: Consumer;
  private started: Promise<void> | undefined;
  private readonly ready: PendingBatch[] = [];
  private readonly inFlight = new Map<string, PendingBatch>();
  private wakeReader: (() => void) | undefined;
  private chunkSize = 4096;
  private readonly lagByPartition = new Map<string, number>();
  private closed = false;
  private crashed: Error | undefined;
  private readonly rebalanceListeners: (() => void)[] = [];
  private crashRejoins = 0;

  constructor(private readonly options: KafkaSourceOptions) {
    this.name = `kafka:${options.topics.join(',')}`;
    this.consumer = createKafka(options).consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3000,
      maxBytesPerPartition: 1 << 20,
      // A protocol error during a rebalance (e.g. a SyncGroup racing the
      // group state) must not end the process: rejoin, resume from the
      // committed offsets and checkpoints.
      retry: {
        retries: 10,
        restartOnFailure: async (error) => {
          options.logger?.warn({ err: error.message }, 'kafka consumer failed; restarting it');
          return !this.closed;
        },
      },
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.rejoinAfterCrash(payload.error);
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      for (const listener of this.rebalanceListeners) listener();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      options.logger?.info(
        { group: payload.groupId, assignment: payload.memberAssignment },
        'kafka partitions assigned',
      );
    });
  }

  positionOf(position: unknown): PartitionedPosition {
    const at = position as KafkaPosition;
    return { source: at.topic, partition: at.partition, firstOffset: at.firstOffset, offset: at.offset };
  }

  onRebalance(listener: () => void): void {
    this.rebalanceListeners.push(listener);
  }

  /** Re-reads the batch's partition from `offset`; the batch is given back uncommitted. */
  async rewind(position: unknown, offset: string): Promise<void> {
    const at = position as KafkaPosition;
    this.options.logger?.info(
      { topic: at.topic, partition: at.partition, from: at.firstOffset, to: offset },
      'rewinding partition to its checkpoint',
    );
    this.consumer.seek({ topic: at.topic, partition: at.partition, offset });
    const pending = this.inFlight.get(positionKey(at));
    this.inFlight.delete(positionKey(at));
    pending?.failed(new Error('rewound'));
  }

  /** Consumer lag per `topic/partition` (high watermark minus next offset), as of the last fetched batch. */
  lag(): Record<string, number> {
    return Object.fromEntries(this.lagByPartition);
  }

  totalLag(): number {
    let sum = 0;
    for (const lag of this.lagByPartition.values()) sum += lag;
    return sum;
  }

  async next(maxRecords: number, maxWaitMs: number, signal: AbortSignal): Promise<SourceBatch | null> {
    this.chunkSize = maxRecords;
    await this.start();
    if (this.crashed) throw this.crashed;
    if (this.ready.length === 0 && !signal.aborted) await this.waitForBatch(maxWaitMs, signal);
    const pending = this.ready.shift();
    if (!pending) return { records: [], position: null };
    const position = pending.batch.position as KafkaPosition;
    this.inFlight.set(positionKey(position), pending);
    return pending.batch;
  }

  async commit(position: unknown): Promise<void> {
    const at = position as KafkaPosition;
    const pending = this.inFlight.get(positionKey(at));
    this.inFlight.delete(positionKey(at));
    try {
      await this.consumer.commitOffsets([{ topic: at.topic, partition: at.partition, offset: at.offset }]);
      pending?.done();
    } catch (error) {
      // After a rebalance the partition may belong to another member: it will
      // re-read from the last committed offset, and outputs collapse by id.
      this.options.logger?.warn(
        { topic: at.topic, partition: at.partition, offset: at.offset, err: (error as Error).message },
        'offset commit failed; the batch will be re-read',
      );
      pending?.failed(error as Error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of [...this.ready, ...this.inFlight.values()])
      pending.failed(new Error('source closed'));
    this.ready.length = 0;
    this.inFlight.clear();
    this.wakeReader?.();
    if (this.started) await this.consumer.disconnect();
  }

  /**
   * kafkajs does not restart a consumer after a non-retriable error; one can
   * occur while the group rebalances (e.g. librdkafka's mock answers a late
   * SyncGroup with INVALID_REQUEST). Rejoin with a fresh session: uncommitted
   * batches are re-read from the committed offsets. Gives up after
   * MAX_CRASH_REJOINS and fails the run.
   */
  private rejoinAfterCrash(error: Error): void {
    if (this.closed) return;
    this.crashRejoins += 1;
    if (this.crashRejoins > MAX_CRASH_REJOINS) {
      this.crashed = error;
      this.wakeReader?.();
      return;
    }
    this.options.logger?.warn(
      { err: error.message, rejoin: this.crashRejoins },
      'kafka consumer crashed; rejoining the group',
    );
    for (const pending of this.ready) pending.failed(error);
    this.ready.length = 0;
    this.started = new Promise((resolve) => setTimeout(resolve, 1000)).then(() => this.connect());
    this.started.catch((failure: Error) => {
      this.crashed = failure;
    });
  }

  private start(): Promise<void> {
    this.started ??= this.connect();
    return this.started;
  }

  /** Joins the group, retrying a join that fails (e.g. a protocol error while the group rebalances). */
  private async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.joinAndRun();
        return;
      } catch (error) {
        if (this.closed || attempt >= 10) throw error;
        this.options.logger?.warn(
          { attempt, err: (error as Error).message },
          'kafka group join failed; retrying',
        );
        await this.consumer.disconnect().catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  }

  private async joinAndRun(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const lastOffset = BigInt(batch.lastOffset());
    const highWatermark = BigInt(batch.highWatermark);
    this.lagByPartition.set(`${batch.topic}/${batch.partition}`, Number(highWatermark - lastOffset - 1n));
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (!payload.isRunning() || payload.isStale() || this.closed) return;
      const messages = batch.messages.slice(start, start + this.chunkSize);
      const records = messages.map((message) => toRecord(batch.topic, batch.partition, message));
      const position: KafkaPosition = {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: messages[0].offset,
        offset: (BigInt(messages[messages.length - 1].offset) + 1n).toString(),
      };
      const rebalance: { error?: Error } = {};
      const committed = await this.handOver({ records, position }, payload, rebalance);
      if (!committed) return;
      payload.resolveOffset(messages[messages.length - 1].offset);
      // Hand the rebalance back to kafkajs so this member rejoins promptly.
      if (rebalance.error) throw rebalance.error;
    }
  }

  /** Queues a batch for `next` and waits, heartbeating, until it is committed; false if it was not. */
  private handOver(
    batch: SourceBatch,
    payload: EachBatchPayload,
    rebalance: { error?: Error },
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const heartbeat = setInterval(() => {
        payload.heartbeat().catch((error: Error) => {
          rebalance.error ??= error;
        });
      }, HEARTBEAT_EVERY_MS);
      const settle = (committed: boolean) => {
        if (settled) return;
        settled = true;
        clearInterval(heartbeat);
        resolve(committed);
      };
      this.ready.push({ batch, done: () => settle(true), failed: () => settle(false) });
      this.wakeReader?.();
    });
  }

  private waitForBatch(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.wakeReader = undefined;
        resolve();
      };
      const timer = setTimeout(finish, Math.max(maxWaitMs, 1));
      signal.addEventListener('abort', finish, { once: true });
      this.wakeReader = finish;
    });
  }
}

function positionKey(position: KafkaPosition): string {
  return `${position.topic}/${position.partition}/${position.offset}`;
}

function toRecord(topic: string, partition: number, message: KafkaMessage): RawRecord {
  return {
    value: message.value ? message.value.toString('utf8') : '',
    origin: { source: topic, partition, offset: message.offset },
  };
}
