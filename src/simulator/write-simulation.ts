/**
 * Writes a simulation to disk: events as NDJSON (canonical or OCSF) in `out`,
 * and the ground truth in `${out}.labels.ndjson`, one line per attack event
 * ({"event_id","scenario","incident"}). Lines are batched into large chunks
 * and written with back-pressure; the same options give byte-identical files.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { toOcsf } from './ocsf-encode.js';
import type { SimulationOptions } from './options.js';
import { simulate } from './simulate.js';
import { VENDOR_FORMATS, type VendorFormat, type VendorRecord, vendorEncoder } from './vendor-encode.js';

export interface WriteSimulationOptions extends SimulationOptions {
  out: string;
  /** canonical, ocsf, or a vendor rendering (okta, entra, windows, envoy, mixed: replay with --format auto). */
  format: 'canonical' | 'ocsf' | VendorFormat;
  /** Called every 10,000 events and once at the end, with the number written so far. */
  onProgress?: (done: number) => void;
}

export interface WriteSimulationResult {
  events: number;
  attackEvents: number;
  incidents: number;
  labelsPath: string;
}

const CHUNK_BYTES = 1 << 20;
/** Room kept free so that the next ordinary line always fits. */
const FLUSH_MARGIN_BYTES = 64 * 1024;
const PROGRESS_EVERY = 10_000;

/** Encodes lines into a large byte buffer and writes it out whole, waiting when the stream is full. */
class ChunkedWriter {
  private readonly stream: WriteStream;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: CHUNK_BYTES });
  }

  /** Buffers one line; true when the buffer is nearly full and `flush` should be awaited. */
  append(text: string): boolean {
    if (this.used + text.length * 3 + 1 > this.chunk.length) {
      // Only a line of more than ~20 KB gets here: append it whole and flush.
      this.chunk = Buffer.concat([this.chunk.subarray(0, this.used), Buffer.from(`${text}\n`)]);
      this.used = this.chunk.length;
      return true;
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
    this.chunk[this.used++] = 0x0a;
    return this.used > CHUNK_BYTES - FLUSH_MARGIN_BYTES;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    if (!this.stream.write(full)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function writeSimulation(options: WriteSimulationOptions): Promise<WriteSimulationResult> {
  if (!Number.isFinite(options.events)) {
    throw new RangeError('simulator: writeSimulation needs a finite "events" count');
  }
  const labelsPath = `${options.out}.labels.ndjson`;
  const events = new ChunkedWriter(options.out);
  const labels = new ChunkedWriter(labelsPath);
  const incidents = new Set<string>();
  let written = 0;
  let attackEvents = 0;
  try {
    const vendor = (VENDOR_FORMATS as readonly string[]).includes(options.format)
      ? vendorEncoder(options.format as VendorFormat, options.seed)
      : undefined;
    for (const { event, label } of simulate(options)) {
      const rendered: VendorRecord | undefined = vendor?.(event);
      const line = rendered ? rendered.record : options.format === 'ocsf' ? toOcsf(event) : event;
      if (events.append(JSON.stringify(line))) await events.flush();
      if (label) {
        attackEvents++;
        incidents.add(label.incident);
        const line = JSON.stringify({
          event_id: rendered?.id ?? event.id,
          scenario: label.scenario,
          incident: label.incident,
        });
        if (labels.append(line)) await labels.flush();
      }
      written++;
      if (written % PROGRESS_EVERY === 0) options.onProgress?.(written);
    }
  } finally {
    await Promise.all([events.close(), labels.close()]);
  }
  options.onProgress?.(written);
  return { events: written, attackEvents, incidents: incidents.size, labelsPath };
}
