/**
 * A readable account of one identity's baseline, for a data-subject export:
 * when it is usually active (hours of day, UTC, from the hour-of-week
 * histogram), which devices, countries, addresses, applications or
 * destinations it is known to use with their counts, and its rates. Read
 * from a state snapshot entry through the same StateStore restore the engine
 * uses, so it shows exactly what the engine would judge against.
 *
 * Never mutates the snapshot; never guesses at fields it cannot restore
 * (a snapshot taken with other caps yields an error message instead).
 */
import type { BaselineSettings } from '../baseline/config.js';
import type { KnownSet } from '../baseline/known-set.js';
import { type IdentitySnapshot, STATE_FORMAT_VERSION, StateStore } from '../baseline/state-store.js';

export interface KnownValue {
  value: string;
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface BaselineReadable {
  type: string;
  events: number;
  learned_events: number;
  mature: boolean;
  first_seen: string | null;
  last_seen: string | null;
  /** Share of learned activity per hour of day (UTC), 24 numbers summing to 1 (all 0 when nothing learned). */
  hours_of_day_utc: number[];
  /** Hours of day (UTC) with at least 5% of the activity, most active first. */
  usual_hours_utc: number[];
  known: Record<string, KnownValue[]>;
  rates: Record<string, number>;
  last_location?: { country?: string; city?: string };
  error?: string;
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

function known(set: KnownSet): KnownValue[] {
  return set.entries().map((entry) => ({
    value: entry.value,
    count: entry.count,
    first_seen: new Date(entry.firstSeen).toISOString(),
    last_seen: new Date(entry.lastSeen).toISOString(),
  }));
}

function hoursOfDay(hours: Uint16Array): number[] {
  const byHour = new Array<number>(24).fill(0);
  for (let i = 0; i < hours.length; i++) byHour[i % 24] += hours[i];
  const total = byHour.reduce((a, b) => a + b, 0);
  return byHour.map((n) => (total > 0 ? Math.round((n / total) * 1000) / 1000 : 0));
}

/** The readable baseline of a snapshot entry, restored with the pipeline's baseline settings. */
export function readableBaseline(entry: IdentitySnapshot, settings: BaselineSettings): BaselineReadable {
  const store = new StateStore(settings);
  const empty: BaselineReadable = {
    type: entry.type,
    events: 0,
    learned_events: 0,
    mature: false,
    first_seen: null,
    last_seen: null,
    hours_of_day_utc: new Array<number>(24).fill(0),
    usual_hours_utc: [],
    known: {},
    rates: {},
  };
  try {
    store.restore({ formatVersion: STATE_FORMAT_VERSION, identities: [entry], sources: [] });
  } catch (error) {
    return { ...empty, error: (error as Error).message };
  }
  const state = store.get(entry.identity);
  const profile = state?.auth ?? state?.service;
  if (!state || !profile) return empty;
  const share = hoursOfDay(profile.hours);
  const out: BaselineReadable = {
    ...empty,
    events: profile.events,
    learned_events: profile.learnedEvents,
    mature: profile.isMature,
    first_seen: iso(profile.firstSeen),
    last_seen: iso(profile.lastSeen),
    hours_of_day_utc: share,
    usual_hours_utc: share
      .map((value, hour) => ({ value, hour }))
      .filter((h) => h.value >= 0.05)
      .sort((a, b) => b.value - a.value)
      .map((h) => h.hour),
  };
  if (state.auth) {
    const auth = state.auth;
    out.known = {
      devices: known(auth.devices),
      countries: known(auth.countries),
      ip_addresses: known(auth.ips),
      asns: known(auth.asns),
      applications: known(auth.applications),
      user_agents: known(auth.userAgents),
    };
    out.rates = { failure_rate: auth.failureRate, mfa_deny_rate: auth.mfaDenyRate };
    out.last_location = { country: auth.lastCountry, city: auth.lastCity };
  }
  if (state.service) {
    const service = state.service;
    out.known = { ...out.known, destinations: known(service.destinations), routes: known(service.routes) };
    out.rates = {
      ...out.rates,
      denied_rate: service.deniedRate,
      denied_share: service.deniedShare,
      error_rate: service.errorRate,
    };
  }
  return out;
}
