/** `vigil simulate`: write simulated traffic and its attack labels, with a progress bar. */
import { SingleBar } from 'cli-progress';
import { type ScenarioName, writeSimulation } from '../simulator/index.js';
import type { VendorFormat } from '../simulator/vendor-encode.js';

export interface SimulateOptions {
  out: string;
  events: number;
  seed: number;
  format: 'canonical' | 'ocsf' | VendorFormat;
  attacks: boolean;
  /** Scenarios to inject (default: the standard set). */
  scenarios?: ScenarioName[];
}

export async function simulateCommand(options: SimulateOptions): Promise<void> {
  const bar = new SingleBar({
    format: 'simulate [{bar}] {percentage}% | {value}/{total} events | {eta}s left',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(options.events, 0);
  const result = await writeSimulation({
    ...options,
    onProgress: (done) => bar.update(done),
  });
  bar.update(result.events);
  bar.stop();
  process.stdout.write(
    `wrote ${result.events} events (${result.attackEvents} attack events in ${result.incidents} incidents) to ${options.out}\n` +
      `labels: ${result.labelsPath}\n`,
  );
}
