/**
 * Decode stage: raw payload (bytes or text) → canonical event, or a
 * dead-letter reason. Size check before parse, JSON parse, format mapping,
 * schema validation; nothing here throws.
 */
import type { InputFormat } from './formats/types.js';
import { LIMITS, type VigilEvent } from './schema.js';
import { type Checked, reject, validateEvent } from './validate.js';

export function decodeRecord(raw: string, format: InputFormat, nowMs: number): Checked<VigilEvent> {
  if (raw.length > LIMITS.maxRawBytes) {
    return reject('oversized', '/', `record is ${raw.length} bytes, the limit is ${LIMITS.maxRawBytes}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return reject('not_json', '/', `not valid JSON: ${(error as Error).message}`);
  }
  return decodeMapped(parsed, format, nowMs);
}

/**
 * Like decodeRecord, for formats whose one record may carry several events
 * (InputFormat.split): one result per member, so every member ends up scored
 * or dead-lettered on its own.
 */
export function decodeRecordAll(raw: string, format: InputFormat, nowMs: number): Checked<VigilEvent>[] {
  if (raw.length > LIMITS.maxRawBytes) return [decodeRecord(raw, format, nowMs)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return [reject('not_json', '/', `not valid JSON: ${(error as Error).message}`)];
  }
  return decodeMappedAll(parsed, format, nowMs);
}

export function decodeMappedAll(parsed: unknown, format: InputFormat, nowMs: number): Checked<VigilEvent>[] {
  let container: ReturnType<NonNullable<InputFormat['split']>>;
  try {
    container = format.split?.(parsed);
  } catch (error) {
    return [reject('mapper_error', '/', `${format.name} mapper failed: ${(error as Error).message}`)];
  }
  if (!container) return [decodeMapped(parsed, format, nowMs)];
  if (container.members.length === 0) {
    return [reject('schema', container.path, 'the record container holds no records')];
  }
  return container.members.map((member, index) => {
    const result = decodeMapped(member, format, nowMs);
    if (result.ok) return result;
    const field = `${container.path}/${index}${result.field === '/' ? '' : result.field}`;
    return { ...result, field };
  });
}

/** Maps and validates an already-parsed record (in-process sources skip the text round trip). */
export function decodeMapped(parsed: unknown, format: InputFormat, nowMs: number): Checked<VigilEvent> {
  let mapped: Checked<unknown>;
  try {
    mapped = format.map(parsed);
  } catch (error) {
    // A mapper bug must not take the engine down: the record is dead-lettered with the cause.
    return reject('mapper_error', '/', `${format.name} mapper failed: ${(error as Error).message}`);
  }
  if (!mapped.ok) return mapped;
  return validateEvent(mapped.value, { nowMs });
}
