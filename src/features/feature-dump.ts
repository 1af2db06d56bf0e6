/**
 * `--features-out`: writes the feature rows of one event kind, for identities
 * with a mature baseline (the rows the Isolation Forest scores and trains
 * on), as NDJSON `{"features": number[], "label": 0|1}` with the label from
 * the replay's attack labels. `node dist/bench/iforest.js --features FILE`
 * compares Vigil's forest with scikit-learn's on it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { VigilEvent } from '../events/schema.js';
import type { FeatureKind, FeatureMatrixBuffer } from './feature-batch.js';

export class FeatureDump {
  private readonly fd: number;
  rows = 0;
  positives = 0;

  constructor(
    path: string,
    readonly kind: FeatureKind,
    private readonly isAttack: (eventId: string) => boolean,
  ) {
    this.fd = openSync(path, 'w');
  }

  write(
    kind: FeatureKind,
    matrix: FeatureMatrixBuffer,
    eventOfRow: Int32Array,
    events: readonly VigilEvent[],
  ): void {
    if (kind !== this.kind) return;
    const lines: string[] = [];
    for (let row = 0; row < matrix.rows; row++) {
      if (matrix.mature[row] === 0) continue;
      const label = this.isAttack(events[eventOfRow[row]].id) ? 1 : 0;
      lines.push(`{"features":[${Array.from(matrix.row(row)).join(',')}],"label":${label}}\n`);
      this.rows += 1;
      this.positives += label;
    }
    if (lines.length > 0) writeSync(this.fd, lines.join(''));
  }

  close(): void {
    closeSync(this.fd);
  }
}
