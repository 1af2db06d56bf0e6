/**
 * When each cross-identity incident (detector + incident key, e.g. a spray's
 * source address) last raised an alert: the suppression memory for findings
 * that carry an `incidentKey`. Bounded, oldest first out; part of the state
 * snapshot so a restart does not raise the same incident's alert again.
 */
export class IncidentAlerts {
  private readonly last = new Map<string, number>();

  constructor(readonly capacity = 50_000) {}

  alertedWithin(key: string, time: number, windowMs: number): boolean {
    const last = this.last.get(key);
    return last !== undefined && time - last < windowMs && time >= last;
  }

  record(key: string, time: number): void {
    this.last.delete(key);
    if (this.last.size >= this.capacity) this.last.delete(this.last.keys().next().value!);
    this.last.set(key, time);
  }

  snapshot(): Array<[string, number]> {
    return [...this.last];
  }

  restore(rows: Array<[string, number]>): void {
    this.last.clear();
    for (const [key, time] of rows) this.last.set(key, time);
  }
}
