/**
 * Builds the detector environment a pipeline configures (intel lists,
 * device book, peer groups). Providers that watch files for changes are
 * stopped by `close()`.
 */
import type { StateStore } from '../baseline/state-store.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { acquireIntel } from '../intel/build.js';
import type { Logger } from '../logging.js';
import { buildPeers } from '../peers/build.js';
import type { DetectorEnvironment } from './environment.js';

export interface BuiltEnvironment {
  environment: DetectorEnvironment;
  close(): void;
}

export function buildEnvironment(config: PipelineConfig, store: StateStore, log?: Logger): BuiltEnvironment {
  // The device baseline lives in the partition's state (snapshotted with it); detectors read it here.
  const environment: DetectorEnvironment = { devices: store.devices };
  const closers: Array<() => void> = [];
  // Peer groups: only when a peer detector is enabled; the directory file (if any) is watched until close().
  const peers = buildPeers(config, log);
  if (peers) {
    environment.peers = peers.peers;
    closers.push(peers.close);
  }
  // Threat-intel lists: loaded once per process for all partitions, watched until the last engine closes.
  const intel = acquireIntel(config.intel, log);
  if (intel) {
    environment.intel = intel.lists;
    closers.push(intel.release);
  }
  return {
    environment,
    close: () => {
      for (const close of closers.splice(0)) close();
    },
  };
}
