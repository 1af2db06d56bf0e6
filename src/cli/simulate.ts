/** `vigil simulate`: write simulated traffic and its attack labels, with a progress bar. */
import { SingleBar } from 'cli-progress';
import { writeDirectory } from '../simulator/directory.js';
import { type ScenarioName, writeSimulation } from '../simulator/index.js';
import { writeIntelLists } from '../simulator/intel-lists.js';
import type { VendorFormat } from '../simulator/vendor-encode.js';

export interface SimulateOptions {
  out: string;
  events: number;
  seed: number;
  format: 'canonical' | 'ocsf' | VendorFormat;
  attacks: boolean;
  /** Scenarios to inject (default: the standard set). */
  scenarios?: ScenarioName[];
  /** Also write the simulated identity directory here (peers.directory; format by extension). */
  directoryOut?: string;
  /** Also write the threat-intel lists the simulated world implies into this directory (docs/intel.md). */
  intelDir?: string;
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
  if (options.directoryOut) {
    const rows = writeDirectory(options.directoryOut, options);
    process.stdout.write(`directory: ${rows} identities in ${options.directoryOut}\n`);
  }
  if (options.intelDir) {
    const lists = writeIntelLists(options.intelDir);
    process.stdout.write(`intel lists: ${lists.torExits}, ${lists.hosting}, ${lists.corporate}\n`);
  }
}
