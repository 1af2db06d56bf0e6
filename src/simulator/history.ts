/**
 * What the simulated world has already shown about each identity, recorded
 * from the emitted stream (never from planned-but-future traffic): how many
 * events and distinct days, which countries, networks, devices and
 * applications a user has used, their latest session, and which destinations
 * and routes a workload has called. Attack scenarios read it to pick mature
 * victims and values that are genuinely new.
 */
import type { AuthEvent, ServiceEvent, VigilEvent } from '../events/schema.js';
import { DAY_MS, HOUR_MS } from './options.js';

export interface SessionSeen {
  sessionId: string;
  tokenId: string;
  time: number;
  ip: string;
  application: string | undefined;
}

export interface IdentityHistory {
  events: number;
  days: number;
  lastDay: number;
  lastTime: number;
  /** Last time an attack incident targeted this identity (0 = never). */
  attackedAt: number;
  /** Auth only: events whose local hour (home zone) is before 06:00. */
  nightEvents: number;
  countries: Set<string>;
  asns: Set<number>;
  devices: Set<string>;
  applications: Set<string>;
  lastSession: SessionSeen | undefined;
  lastSignIn: { time: number; lat: number; lon: number } | undefined;
  /** Service only: destination → routes called. */
  routesByDestination: Map<string, Set<string>>;
}

export const MATURE_EVENTS = 25;
export const MATURE_DAYS = 3;

export class HistoryBook {
  private readonly byIdentity = new Map<string, IdentityHistory>();

  /** `utcOffsetMs` gives an identity's home zone, for counting night-time activity. */
  constructor(private readonly utcOffsetMs: ReadonlyMap<string, number>) {}

  get(identity: string): IdentityHistory | undefined {
    return this.byIdentity.get(identity);
  }

  isMature(identity: string): boolean {
    const history = this.byIdentity.get(identity);
    return history !== undefined && history.events >= MATURE_EVENTS && history.days >= MATURE_DAYS;
  }

  markAttacked(identity: string, time: number): void {
    const history = this.byIdentity.get(identity);
    if (history) history.attackedAt = time;
  }

  record(event: VigilEvent): void {
    let history = this.byIdentity.get(event.identity);
    if (!history) {
      history = newHistory();
      this.byIdentity.set(event.identity, history);
    }
    history.events++;
    history.lastTime = event.time;
    const day = Math.floor(event.time / DAY_MS);
    if (day !== history.lastDay) {
      history.days++;
      history.lastDay = day;
    }
    if (event.kind === 'auth') this.recordAuth(history, event);
    else if (event.kind === 'service') recordService(history, event);
  }

  private recordAuth(history: IdentityHistory, event: AuthEvent): void {
    const offset = this.utcOffsetMs.get(event.identity) ?? 0;
    const localHour = Math.floor(((((event.time + offset) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    if (localHour < 6) history.nightEvents++;
    if (event.geo?.country) history.countries.add(event.geo.country);
    if (event.asn !== undefined) history.asns.add(event.asn);
    if (event.device?.id) history.devices.add(event.device.id);
    if (event.application) history.applications.add(event.application);
    if (event.action !== 'sign_in' || event.outcome !== 'success') return;
    if (event.session_id && event.token_id) {
      history.lastSession = {
        sessionId: event.session_id,
        tokenId: event.token_id,
        time: event.time,
        ip: event.src_ip ?? '',
        application: event.application,
      };
    }
    if (event.geo?.lat !== undefined && event.geo.lon !== undefined) {
      history.lastSignIn = { time: event.time, lat: event.geo.lat, lon: event.geo.lon };
    }
  }
}

function recordService(history: IdentityHistory, event: ServiceEvent): void {
  let routes = history.routesByDestination.get(event.destination);
  if (!routes) {
    routes = new Set();
    history.routesByDestination.set(event.destination, routes);
  }
  routes.add(event.route);
}

function newHistory(): IdentityHistory {
  return {
    events: 0,
    days: 0,
    lastDay: Number.NaN,
    lastTime: 0,
    attackedAt: 0,
    nightEvents: 0,
    countries: new Set(),
    asns: new Set(),
    devices: new Set(),
    applications: new Set(),
    lastSession: undefined,
    lastSignIn: undefined,
    routesByDestination: new Map(),
  };
}
