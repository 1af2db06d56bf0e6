/**
 * What a peer group's members typically do, summarised from their activity:
 * how many use each application/service, their usual events per active day
 * (median and MAD), and their usual daily data volume per application.
 * Computed at group recompute time, never per event. Pure.
 */
import type { PeerActivity } from './activity.js';

export interface Spread {
  median: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
}

export interface PeerGroup {
  /** Stable id: `directory:department=finance` or `learned:3`. */
  id: string;
  /** What an analyst reads: the directory attributes, or "learned group of N identities". */
  label: string;
  source: 'directory' | 'learned';
  /** Identities in the group (directory: every listed member; learned: those clustered). */
  members: number;
  /** Members with enough history; the statistics below come from them. */
  matureMembers: number;
  /** Application/service → mature members that use it. */
  appMembers: ReadonlyMap<string, number>;
  /** Usual events per member per active day. */
  activity: Spread;
  /** Application → usual bytes per member-day among members that move data with it. */
  volume: ReadonlyMap<string, Spread & { members: number; objects: number }>;
}

export function spreadOf(values: number[]): Spread {
  if (values.length === 0) return { median: 0, mad: 0 };
  const median = medianOf(values);
  const deviations = values.map((value) => Math.abs(value - median));
  return { median, mad: medianOf(deviations) };
}

function medianOf(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summariseGroup(
  identity: { id: string; label: string; source: PeerGroup['source']; members: number },
  activities: readonly PeerActivity[],
  minHistoryDays: number,
): PeerGroup {
  const mature = activities.filter((activity) => activity.activeDays >= minHistoryDays);
  const appMembers = new Map<string, number>();
  const bytesByApp = new Map<string, { bytes: number[]; objects: number[] }>();
  const visit = (app: string, usualBytes: number, usualObjects: number, volumeDays: number) => {
    appMembers.set(app, (appMembers.get(app) ?? 0) + 1);
    if (volumeDays === 0) return;
    const row = bytesByApp.get(app) ?? { bytes: [], objects: [] };
    bytesByApp.set(app, row);
    row.bytes.push(usualBytes);
    row.objects.push(usualObjects);
  };
  for (const activity of mature) activity.forEachUsedApp(visit);
  const volume = new Map<string, Spread & { members: number; objects: number }>();
  for (const [app, row] of bytesByApp) {
    volume.set(app, {
      ...spreadOf(row.bytes),
      members: row.bytes.length,
      objects: spreadOf(row.objects).median,
    });
  }
  return {
    ...identity,
    matureMembers: mature.length,
    appMembers,
    activity: spreadOf(mature.map((activity) => activity.usualDailyEvents)),
    volume,
  };
}

/** The group's most used applications, for evidence: "what its members typically use". */
export function typicalApps(group: PeerGroup, count = 5): Array<{ app: string; members: number }> {
  return [...group.appMembers.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([app, members]) => ({ app, members }));
}

/** The evidence block every peer detector attaches. */
export function groupEvidence(group: PeerGroup): Record<string, unknown> {
  return {
    peer_group: group.label,
    peer_group_source: group.source,
    peer_group_members: group.members,
    peers_with_history: group.matureMembers,
    peers_typically_use: typicalApps(group),
  };
}
