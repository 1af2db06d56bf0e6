/**
 * Creates the peer-group provider a pipeline asks for: only when one of the
 * peer detectors is enabled (otherwise no per-event tracking cost at all).
 * Each engine (one per partition in `vigil run`) gets its own groups, since
 * groups summarise the partition's identities; the directory file is read
 * and watched once per process and shared by every engine built from the
 * same configuration object, the last one to close releasing it. Reload
 * outcomes are logged with the file's problems by line (to a standard-error
 * logger at `warn` when none is given); a failed reload keeps the previous
 * directory. Never throws after start-up.
 */
import { enabledDetectors, type PipelineConfig } from '../config/pipeline.js';
import { createLogger, type Logger } from '../logging.js';
import type { PeersDirectoryConfig } from './config.js';
import { WatchedDirectory } from './directory.js';
import { PeerGroups } from './peer-groups.js';

export const PEER_DETECTORS = ['peer_first_access', 'peer_activity_outlier', 'data_movement_spike'];

const MAX_PROBLEMS_LOGGED = 20;

interface SharedDirectory {
  directory: WatchedDirectory;
  holders: number;
}

const sharedDirectories = new WeakMap<PeersDirectoryConfig, SharedDirectory>();

export interface BuiltPeers {
  peers: PeerGroups;
  close(): void;
}

function openDirectory(settings: PeersDirectoryConfig, log: Logger): WatchedDirectory {
  const path = settings.path;
  const directory = new WatchedDirectory({
    path,
    format: settings.format,
    onReload: (outcome) => {
      if (!outcome.ok) {
        log.warn(
          { path, err: outcome.error.message },
          'peer directory reload failed; keeping the previous one',
        );
        return;
      }
      const { entries, problems } = outcome.directory;
      log.info(
        { path, identities: entries.size, problems: problems.slice(0, MAX_PROBLEMS_LOGGED) },
        'peer directory reloaded',
      );
    },
  }).watch();
  const problems = directory.current.problems;
  if (problems.length > 0) {
    log.warn({ path, problems: problems.slice(0, MAX_PROBLEMS_LOGGED) }, 'peer directory rows skipped');
  }
  return directory;
}

export function buildPeers(config: PipelineConfig, log?: Logger): BuiltPeers | undefined {
  const enabled = enabledDetectors(config);
  if (!PEER_DETECTORS.some((name) => enabled.includes(name))) return undefined;
  const settings = config.peers;
  if (!settings.directory) return { peers: new PeerGroups(settings), close: () => {} };
  const key = settings.directory;
  let entry = sharedDirectories.get(key);
  if (!entry) {
    entry = { directory: openDirectory(key, log ?? createLogger('warn')), holders: 0 };
    sharedDirectories.set(key, entry);
  }
  entry.holders++;
  const held = entry;
  let released = false;
  return {
    peers: new PeerGroups(settings, held.directory),
    close: () => {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      held.directory.close();
      sharedDirectories.delete(key);
    },
  };
}
