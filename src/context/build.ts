/**
 * Builds the detector environment a pipeline configures (intel lists,
 * device book, peer groups). Providers that watch files for changes are
 * stopped by `close()`.
 */
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import type { Logger } from '../logging.js';
import type { DetectorEnvironment } from './environment.js';

export interface BuiltEnvironment {
  environment: DetectorEnvironment;
  close(): void;
}

export function buildEnvironment(
  _config: PipelineConfig,
  _store: StateStore,
  _log?: Logger,
): BuiltEnvironment {
  const environment: DetectorEnvironment = {};
  const closers: Array<() => void> = [];
  return {
    environment,
    close: () => {
      for (const close of closers.splice(0)) close();
    },
  };
}
