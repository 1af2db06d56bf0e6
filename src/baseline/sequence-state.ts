/**
 * Per-identity state of the LSTM sequence model (src/models/lstm): hidden and
 * cell state after the identity's last event, that event's token, and the
 * tokenizer's memory (recent device hashes for the new-device flag, time of
 * the last event for the gap feature). Plain data plus lossless
 * snapshot/restore; `model` names the model version the state belongs to, so
 * a state from another model is discarded instead of misread.
 */
export interface SequenceStateSnapshot {
  model: string;
  h: string;
  c: string;
  lastToken: number;
  devices: string;
  deviceCursor: number;
  lastTime: number;
}

export class SequenceState {
  constructor(
    public model: string,
    public h: Float32Array,
    public c: Float32Array,
    public lastToken: number,
    public devices: Uint32Array,
    public deviceCursor: number,
    public lastTime: number,
  ) {}

  snapshot(): SequenceStateSnapshot {
    return {
      model: this.model,
      h: base64(this.h),
      c: base64(this.c),
      lastToken: this.lastToken,
      devices: base64(this.devices),
      deviceCursor: this.deviceCursor,
      lastTime: this.lastTime,
    };
  }

  /** undefined when the snapshot is malformed (the identity then starts a fresh sequence). */
  static restore(row: SequenceStateSnapshot): SequenceState | undefined {
    if (typeof row?.model !== 'string' || typeof row.h !== 'string' || typeof row.c !== 'string')
      return undefined;
    const h = fromBase64(row.h, Float32Array);
    const c = fromBase64(row.c, Float32Array);
    const devices = fromBase64(row.devices ?? '', Uint32Array);
    if (h.length !== c.length) return undefined;
    return new SequenceState(
      row.model,
      h,
      c,
      row.lastToken | 0,
      devices,
      row.deviceCursor | 0,
      Number(row.lastTime),
    );
  }
}

function base64(array: Float32Array | Uint32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function fromBase64<T extends Float32Array | Uint32Array>(
  text: string,
  Kind: { new (b: ArrayBuffer): T },
): T {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength - (bytes.byteLength % 4));
  new Uint8Array(copy).set(bytes.subarray(0, copy.byteLength));
  return new Kind(copy);
}
