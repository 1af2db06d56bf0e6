/**
 * One summary line for long-running commands (demo, run): throughput over the
 * last interval, totals, and the most frequent alert kinds. Rewritten in
 * place on a terminal, one line per interval otherwise.
 */
import type { RunStats } from '../engine/runner.js';

export class LiveSummary {
  private lastRecords = 0;
  private lastAt = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs = 1000,
  ) {}

  update(stats: RunStats, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastAt < this.intervalMs) return;
    const rate = ((stats.records - this.lastRecords) * 1000) / Math.max(1, now - this.lastAt);
    this.lastRecords = stats.records;
    this.lastAt = now;
    const top = Object.entries(stats.alertsByKind)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 4)
      .map(([kind, n]) => `${kind}=${n}`)
      .join(' ');
    const line = `${Math.round(rate).toString().padStart(6)} ev/s | events ${stats.scored} | dead ${stats.deadLetters} | alerts ${stats.alerts}${top ? ` (${top})` : ''}`;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`${line}\n`);
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
