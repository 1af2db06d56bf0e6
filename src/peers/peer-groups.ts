/**
 * The peer-group provider handed to detectors as `environment.peers`: it
 * feeds each identity's activity (src/peers/activity.ts) from the events the
 * analyzer tracks and learns, and periodically (every
 * `learned.recompute_every_minutes` of event time, or when the directory
 * file was reloaded) regroups the identities of its state store: by
 * directory attributes when the directory lists them, otherwise by
 * co-access (src/peers/learned.ts), and summarises each group. Recomputing
 * is off the per-event path; lookups between recomputes are one map read.
 * Groups cover the identities of one state store, i.e. one Kafka partition.
 */
import type { IdentityState } from '../baseline/identity-state.js';
import type { StateStore } from '../baseline/state-store.js';
import type { AuthEvent, ServiceEvent, VigilEvent } from '../events/schema.js';
import { PeerActivity } from './activity.js';
import type { PeersConfig } from './config.js';
import { type Directory, type DirectoryEntry, directoryEntry } from './directory.js';
import { type PeerGroup, summariseGroup } from './group-stats.js';
import { learnGroups, type UsageSet } from './learned.js';

export interface DirectorySource {
  readonly current: Directory;
  readonly version: number;
}

const MINUTE_MS = 60_000;

export class PeerGroups {
  private membership = new Map<string, PeerGroup>();
  private directoryGroups = new Map<string, PeerGroup>();
  private nextRecomputeAt = 0;
  private eventsSinceRecompute = 0;
  private directoryVersion = -1;
  /** How many times the groups were recomputed (for metrics and tests). */
  recomputes = 0;

  constructor(
    readonly config: PeersConfig,
    readonly directory?: DirectorySource,
  ) {}

  /** The identity's peer group as of the last recompute; undefined when it has none. */
  groupOf(identity: string): PeerGroup | undefined {
    const group = this.membership.get(identity);
    if (group || !this.directory) return group;
    const entry = directoryEntry(this.directory.current, identity);
    return entry ? this.directoryGroups.get(this.groupKey(entry)) : undefined;
  }

  /** Every group as of the last recompute (directory groups first), for inspection. */
  groups(): PeerGroup[] {
    const all = new Set<PeerGroup>(this.directoryGroups.values());
    for (const group of this.membership.values()) all.add(group);
    return [...all];
  }

  activityOf(state: IdentityState): PeerActivity {
    state.peers ??= new PeerActivity(this.config.max_apps_per_identity);
    return state.peers;
  }

  /** Counts the event into today's activity of its identity (and of a propagated end user). */
  track(event: VigilEvent, state: IdentityState, store: StateStore): void {
    if (event.kind === 'account') return;
    // Due by event time, and amortised: at least one event per identity in between, so a
    // recompute (linear in identities) costs O(1) per event however sparse the traffic.
    // The first event after start (or a restore from a checkpoint) always regroups.
    this.eventsSinceRecompute++;
    const due =
      this.recomputes === 0 ||
      (event.time >= this.nextRecomputeAt && this.eventsSinceRecompute >= store.size);
    if (due || (this.directory && this.directory.version !== this.directoryVersion)) {
      this.recompute(store, event.time);
    }
    if (event.kind === 'auth') {
      const bytes = authBytes(event);
      this.activityOf(state).track(accessedApp(event), event.time, bytes, authObjects(event, bytes));
      return;
    }
    const bytes = event.bytes_in + event.bytes_out;
    this.activityOf(state).track(event.destination, event.time, bytes, 1);
    if (event.end_user !== undefined && event.end_user !== event.identity) {
      this.activityOf(store.obtain(event.end_user, 'user')).track(event.destination, event.time, bytes, 1);
    }
  }

  /** Lets a learned event teach the usual levels of its identity (and of a propagated end user). */
  learn(event: VigilEvent, state: IdentityState, store: StateStore): void {
    if (event.kind === 'auth') {
      const bytes = authBytes(event);
      this.activityOf(state).learn(accessedApp(event), event.time, bytes, authObjects(event, bytes));
    } else if (event.kind === 'service') {
      this.learnService(event, state, store);
    }
  }

  /** Regroups every identity of `store` and recomputes the group statistics. */
  recompute(store: StateStore, time: number): void {
    this.recomputes++;
    this.eventsSinceRecompute = 0;
    this.nextRecomputeAt = time + this.config.learned.recompute_every_minutes * MINUTE_MS;
    const directory = this.directory?.current;
    this.directoryVersion = this.directory?.version ?? -1;
    const membership = new Map<string, PeerGroup>();
    const directoryMembers = new Map<string, { identities: string[]; activities: PeerActivity[] }>();
    const directorySizes = new Map<string, number>();
    if (directory) {
      for (const entry of directory.entries.values()) {
        const key = this.groupKey(entry);
        directorySizes.set(key, (directorySizes.get(key) ?? 0) + 1);
      }
    }
    const usage: UsageSet[] = [];
    const activities = new Map<string, PeerActivity>();
    for (const state of store.values()) {
      if (!state.peers) continue;
      const entry = directory ? directoryEntry(directory, state.identity) : undefined;
      if (entry) {
        const key = this.groupKey(entry);
        const row = directoryMembers.get(key) ?? { identities: [], activities: [] };
        directoryMembers.set(key, row);
        row.identities.push(state.identity);
        row.activities.push(state.peers);
      } else if (this.config.learned.enabled) {
        usage.push({ identity: state.identity, apps: state.peers.usedApps().sort() });
        activities.set(state.identity, state.peers);
      }
    }
    const directoryGroups = new Map<string, PeerGroup>();
    for (const [key, members] of directorySizes) {
      const row = directoryMembers.get(key);
      const group = summariseGroup(
        { id: `directory:${key}`, label: key, source: 'directory', members },
        row?.activities ?? [],
        this.config.min_history_days,
      );
      directoryGroups.set(key, group);
      for (const identity of row?.identities ?? []) membership.set(identity, group);
    }
    this.addLearnedGroups(usage, activities, membership);
    this.membership = membership;
    this.directoryGroups = directoryGroups;
  }

  private addLearnedGroups(
    usage: UsageSet[],
    activities: Map<string, PeerActivity>,
    membership: Map<string, PeerGroup>,
  ): void {
    if (usage.length === 0) return;
    const learned = this.config.learned;
    const grouping = learnGroups(usage, learned.similarity, learned.min_group_size, learned.max_groups);
    const members: PeerActivity[][] = grouping.sizes.map(() => []);
    const identities: string[][] = grouping.sizes.map(() => []);
    for (const [identity, index] of grouping.groupOf) {
      members[index].push(activities.get(identity)!);
      identities[index].push(identity);
    }
    grouping.sizes.forEach((size, index) => {
      const group = summariseGroup(
        {
          id: `learned:${index}`,
          label: `learned group of ${size} identities`,
          source: 'learned',
          members: size,
        },
        members[index],
        this.config.min_history_days,
      );
      for (const identity of identities[index]) membership.set(identity, group);
    });
  }

  private learnService(event: ServiceEvent, state: IdentityState, store: StateStore): void {
    const bytes = event.bytes_in + event.bytes_out;
    this.activityOf(state).learn(event.destination, event.time, bytes, 1);
    if (event.end_user === undefined || event.end_user === event.identity) return;
    const user = store.get(event.end_user);
    if (user) this.activityOf(user).learn(event.destination, event.time, bytes, 1);
  }

  private groupKey(entry: DirectoryEntry): string {
    const groupBy = this.config.directory?.group_by ?? ['department'];
    return groupBy.map((name) => `${name}=${entry.attributes[name] ?? '(none)'}`).join(', ');
  }
}

/** Bytes an auth/app event moved (both directions), 0 when it carries no volume. */
export function authBytes(event: AuthEvent): number {
  return (event.bytes_in ?? 0) + (event.bytes_out ?? 0);
}

function authObjects(event: AuthEvent, bytes: number): number {
  return event.objects ?? (bytes > 0 ? 1 : 0);
}

/** The application an auth event accessed: failed attempts count as activity, not as use of the application. */
function accessedApp(event: AuthEvent): string | undefined {
  return event.outcome === 'success' ? event.application : undefined;
}
