/**
 * Erases one identity from a local checkpoint directory
 * (`checkpoints.path`, one JSON file per pipeline and partition, see
 * src/store/checkpoint-store.ts): every checkpoint file of every pipeline
 * under it that mentions the identity is rewritten without it (temp file +
 * rename, as the store writes), and stray temp files that mention it are
 * deleted.
 *
 * Never touches files that do not mention the identity, nor files outside
 * the directory.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartitionCheckpoint } from '../engine/partitioned-types.js';
import { jsonMentions } from './mentions.js';
import { scrubSnapshot } from './scrub-state.js';
import type { ErasureCounts } from './sqlite-forget.js';

async function filesUnder(directory: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

export async function forgetInCheckpointDirectory(
  directory: string,
  identity: string,
): Promise<ErasureCounts> {
  const counts: ErasureCounts = {
    'checkpoints.rewritten': 0,
    'checkpoints.identities': 0,
    'checkpoints.mentions': 0,
  };
  for (const path of await filesUnder(directory)) {
    const text = await readFile(path, 'utf8');
    if (!jsonMentions(text, identity)) continue;
    if (!path.endsWith('.json')) {
      await rm(path, { force: true });
      counts['checkpoints.stray_files'] = (counts['checkpoints.stray_files'] ?? 0) + 1;
      continue;
    }
    const checkpoint = JSON.parse(text) as PartitionCheckpoint;
    const scrubbed = scrubSnapshot(checkpoint.state, identity);
    const partial = `${path}.${process.pid}.forget.tmp`;
    await writeFile(partial, JSON.stringify({ ...checkpoint, state: scrubbed.snapshot }));
    await rename(partial, path);
    counts['checkpoints.rewritten'] += 1;
    counts['checkpoints.identities'] += scrubbed.identitiesRemoved;
    counts['checkpoints.mentions'] += scrubbed.mentionsRemoved;
  }
  return counts;
}
