/**
 * An Analyzer with default settings and the named detectors, for detector
 * specifications: feed a history, then the event under test.
 */
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { createDetectors } from '../../src/detectors/index.js';
import type { Finding } from '../../src/detectors/types.js';
import { type Analysis, Analyzer } from '../../src/engine/analyzer.js';
import type { VigilEvent } from '../../src/events/schema.js';
import { DEFAULT_WEIGHTS } from '../../src/risk/fusion.js';

/** `devices`: keep the device baseline in the detector environment, as every pipeline does. */
export function analyzerWith(
  detectors: readonly string[],
  params: Record<string, Record<string, unknown>> = {},
  options: { devices?: boolean } = {},
): Analyzer {
  const set = createDetectors(detectors, params);
  const store = new StateStore(DEFAULT_BASELINE);
  return new Analyzer(store, {
    authDetectors: set.auth,
    serviceDetectors: set.service,
    accountDetectors: set.account,
    learnBelowRisk: 50,
    weights: DEFAULT_WEIGHTS,
    environment: options.devices ? { devices: store.devices } : undefined,
  });
}

/** Analyses events in order and returns every analysis. */
export function feed(analyzer: Analyzer, events: readonly VigilEvent[]): Analysis[] {
  return events.map((event) => analyzer.analyze(event));
}

/** All findings of one detector over a sequence. */
export function findingsOf(analyses: readonly Analysis[], detector: string): Finding[] {
  return analyses.flatMap((analysis) => analysis.findings.filter((finding) => finding.detector === detector));
}
