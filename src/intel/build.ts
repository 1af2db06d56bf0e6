/**
 * The intel lists a pipeline configures, shared by every engine built from
 * the same configuration object (one per partition in `vigil run`): the
 * files are read, held and watched once per process, not once per
 * partition. The last engine to close releases them.
 *
 * Returns nothing when the pipeline names no lists, so detectors see no
 * `environment.intel` and stay quiet. Must never build a second table for a
 * configuration already loaded.
 */
import { createLogger, type Logger } from '../logging.js';
import type { IntelConfig } from './config.js';
import { IntelLists } from './intel-lists.js';

interface Shared {
  lists: IntelLists;
  holders: number;
}

const shared = new WeakMap<IntelConfig, Shared>();

export interface AcquiredIntel {
  lists: IntelLists;
  release(): void;
}

/**
 * The lists of `config`, loaded on first use; throws VigilError naming the
 * key when a list cannot be used. Without a logger, load reports and
 * malformed-line warnings go to a standard-error logger at `warn`, so a bad
 * list is never silent.
 */
export function acquireIntel(config: IntelConfig, log?: Logger): AcquiredIntel | undefined {
  if (config.lists.length === 0) return undefined;
  let entry = shared.get(config);
  if (!entry) {
    entry = { lists: new IntelLists(config, log ?? createLogger('warn')), holders: 0 };
    shared.set(config, entry);
  }
  entry.holders++;
  const held = entry;
  let released = false;
  return {
    lists: held.lists,
    release: () => {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      held.lists.close();
      shared.delete(config);
    },
  };
}
