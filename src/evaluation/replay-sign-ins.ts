/**
 * The sign-ins of a replayed file, for step-up friction: scores do not carry
 * the auth action, so after the replay the input is read once more and
 * decoded with the same input format, and every valid `sign_in` event is
 * handed to the effectiveness tally (which decides whether it is benign).
 * Runs after the replay, so it never counts against the replay's measured
 * throughput; reads the file, never writes anything.
 */
import { decodeRecordAll } from '../events/decode.js';
import { inputFormat } from '../events/formats/index.js';
import { readLines } from '../sources/file.js';
import type { EffectivenessTally } from './effectiveness.js';

export async function tallySignIns(
  path: string,
  formatName: string,
  nowMs: number,
  tally: Pick<EffectivenessTally, 'addSignIn'>,
): Promise<void> {
  const format = inputFormat(formatName);
  for await (const line of readLines(path)) {
    for (const decoded of decodeRecordAll(line, format, nowMs)) {
      if (!decoded.ok) continue;
      const event = decoded.value;
      if (event.kind === 'auth' && event.action === 'sign_in') tally.addSignIn(event.id);
    }
  }
}
