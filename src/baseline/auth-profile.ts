/**
 * Behavioural baseline of one identity's authentication activity: when it
 * signs in, from which devices, addresses, networks and countries, into which
 * applications, how often it fails, how its MFA prompts go, and where it was
 * last. All numbers live in one Float64Array slab (layout shared by every
 * profile of a pipeline) plus a 168-bucket hour-of-week histogram.
 *
 * `track` updates the short-window counters every event must feed (failure
 * and MFA-denial rings, sessions in use); `learn` updates what the identity
 * is known to do, and is skipped for events judged high-risk so an attacker
 * cannot teach the baseline (poisoning resistance).
 */
import type { AuthEvent } from '../events/schema.js';
import { type BaselineSettings, DAY_MS, HOURS_PER_WEEK, hourOfWeek } from './config.js';
import { fnv1a } from './hash.js';
import { KnownSet, SLOT_WIDTH } from './known-set.js';
import { COMMON_SLOTS, ProfileBase } from './profile-base.js';
import { RecentRing } from './recent-ring.js';
import { SlabLayout } from './slab-layout.js';

/** Scalar slots in the slab, after the ones every profile shares. */
const S = {
  lastLat: COMMON_SLOTS,
  lastLon: COMMON_SLOTS + 1,
  lastAccuracyKm: COMMON_SLOTS + 2,
  lastGeoTime: COMMON_SLOTS + 3,
  failureEwma: COMMON_SLOTS + 4,
  mfaDenyEwma: COMMON_SLOTS + 5,
  mfaSuccess: COMMON_SLOTS + 6,
  mfaDenied: COMMON_SLOTS + 7,
  mfaTimeout: COMMON_SLOTS + 8,
  lastSuccessTime: COMMON_SLOTS + 9,
  /** ASN of the last located, learned event; 0 (reserved, RFC 7607) when unknown. */
  lastGeoAsn: COMMON_SLOTS + 10,
} as const;
const SCALARS = COMMON_SLOTS + 11;

const FAILURE_RING = 24;
const MFA_RING = 16;

/** Offsets of every region, computed once per pipeline from the caps. */
export class AuthLayout {
  readonly slabSize: number;
  readonly keyCount: number;
  readonly sets: Record<
    'devices' | 'ips' | 'asns' | 'countries' | 'userAgents' | 'applications' | 'sessions',
    {
      offset: number;
      capacity: number;
      keyOffset: number;
    }
  >;
  readonly sessionPeers: number;
  readonly failures: number;
  readonly mfaDenials: number;

  constructor(readonly settings: BaselineSettings) {
    const slab = new SlabLayout();
    slab.reserve(SCALARS);
    let keyCount = 0;
    const set = (capacity: number) => {
      const region = { offset: slab.reserve(capacity * SLOT_WIDTH), capacity, keyOffset: keyCount };
      keyCount += capacity;
      return region;
    };
    const caps = settings.caps;
    this.sets = {
      devices: set(caps.devices),
      ips: set(caps.ips),
      asns: set(caps.asns),
      countries: set(caps.countries),
      userAgents: set(caps.userAgents),
      applications: set(caps.applications),
      sessions: set(caps.sessions),
    };
    // Per session: hash of the address and of the device it was established from.
    this.sessionPeers = slab.reserve(caps.sessions * 2);
    this.failures = slab.reserve(RecentRing.width(FAILURE_RING));
    this.mfaDenials = slab.reserve(RecentRing.width(MFA_RING));
    this.slabSize = slab.size;
    this.keyCount = keyCount;
  }
}

export interface GeoPoint {
  lat: number;
  lon: number;
  accuracyKm: number;
  time: number;
}

export class AuthProfile extends ProfileBase {
  readonly keys: (string | undefined)[];
  readonly devices: KnownSet;
  readonly ips: KnownSet;
  readonly asns: KnownSet;
  readonly countries: KnownSet;
  readonly userAgents: KnownSet;
  readonly applications: KnownSet;
  readonly sessions: KnownSet;
  readonly failures: RecentRing;
  readonly mfaDenials: RecentRing;
  /** Country and event id of the last located, learned event, kept for evidence. */
  lastCountry: string | undefined;
  lastLocatedEventId: string | undefined;
  /** City and source address of the last located, learned event (evidence; was it a VPN or corporate egress?). */
  lastCity: string | undefined;
  lastLocatedIp: string | undefined;

  constructor(
    readonly layout: AuthLayout,
    slab?: Float64Array,
    keys?: (string | undefined)[],
    hours?: Uint16Array,
  ) {
    super(
      slab ?? new Float64Array(layout.slabSize),
      hours ?? new Uint16Array(HOURS_PER_WEEK),
      layout.settings,
    );
    this.keys = keys ?? new Array<string | undefined>(layout.keyCount).fill(undefined);
    const halfLife = layout.settings.halfLifeDays * DAY_MS;
    const known = (name: keyof AuthLayout['sets']) => {
      const region = layout.sets[name];
      const set = new KnownSet(
        this.slab,
        region.offset,
        region.capacity,
        this.keys,
        region.keyOffset,
        halfLife,
      );
      set.recount();
      return set;
    };
    this.devices = known('devices');
    this.ips = known('ips');
    this.asns = known('asns');
    this.countries = known('countries');
    this.userAgents = known('userAgents');
    this.applications = known('applications');
    this.sessions = known('sessions');
    this.failures = new RecentRing(this.slab, layout.failures, FAILURE_RING);
    this.mfaDenials = new RecentRing(this.slab, layout.mfaDenials, MFA_RING);
  }

  get lastSuccessTime(): number {
    return this.slab[S.lastSuccessTime];
  }
  get failureRate(): number {
    return this.slab[S.failureEwma];
  }
  get mfaDenyRate(): number {
    return this.slab[S.mfaDenyEwma];
  }
  get mfaCounts(): { success: number; denied: number; timeout: number } {
    return {
      success: this.slab[S.mfaSuccess],
      denied: this.slab[S.mfaDenied],
      timeout: this.slab[S.mfaTimeout],
    };
  }

  /** Last trusted location, or undefined when none was learned yet. */
  lastLocation(): GeoPoint | undefined {
    const time = this.slab[S.lastGeoTime];
    if (time === 0) return undefined;
    return {
      lat: this.slab[S.lastLat],
      lon: this.slab[S.lastLon],
      accuracyKm: this.slab[S.lastAccuracyKm],
      time,
    };
  }

  /** Allocation-free form of `lastLocation` for the hot path: fills `point`, false when none was learned yet. */
  lastLocationInto(point: GeoPoint): boolean {
    const time = this.slab[S.lastGeoTime];
    if (time === 0) return false;
    point.lat = this.slab[S.lastLat];
    point.lon = this.slab[S.lastLon];
    point.accuracyKm = this.slab[S.lastAccuracyKm];
    point.time = time;
    return true;
  }

  /** ASN of the last located, learned event, or undefined when it had none. */
  get lastLocatedAsn(): number | undefined {
    const asn = this.slab[S.lastGeoAsn];
    return asn === 0 ? undefined : asn;
  }

  /** Share of activity within ±1 hour of the same hour of day, any weekday: smoother than a single bucket. */
  hourOfDayShare(time: number): number {
    const total = this.hourTotal;
    if (total === 0) return 0;
    const hour = hourOfWeek(time) % 24;
    let sum = 0;
    for (let day = 0; day < 7; day++) {
      for (let delta = -1; delta <= 1; delta++) {
        const h = (hour + delta + 24) % 24;
        sum += this.hours[day * 24 + h];
      }
    }
    return sum / total;
  }

  /** Whether a session was established from another address and device than this event's. */
  sessionPeer(sessionId: string): { ipHash: number; deviceHash: number } | undefined {
    const slot = this.sessions.indexOf(sessionId);
    if (slot < 0) return undefined;
    const at = this.layout.sessionPeers + slot * 2;
    return { ipHash: this.slab[at], deviceHash: this.slab[at + 1] };
  }

  /**
   * Allocation-free form of `sessionPeer` for the hot path: hash of the address
   * (or device) a session was established from, by its slot in `sessions`
   * (`sessions.indexOf`); 0 when that event had none.
   */
  sessionIpHash(slot: number): number {
    return this.slab[this.layout.sessionPeers + slot * 2];
  }

  sessionDeviceHash(slot: number): number {
    return this.slab[this.layout.sessionPeers + slot * 2 + 1];
  }

  /** Short-window counters; called for every event, risky or not. */
  track(event: AuthEvent): void {
    this.trackSeen(event.time);
    const failed = event.outcome === 'failure';
    if (failed && (event.action === 'sign_in' || event.action === 'ticket')) {
      this.failures.push(event.time);
    }
    if (event.action === 'mfa' && (event.mfa_result === 'denied' || event.mfa_result === 'timeout')) {
      this.mfaDenials.push(event.time);
    }
  }

  /** Behavioural learning; skipped for high-risk events. */
  learn(event: AuthEvent): void {
    const slab = this.slab;
    const alpha = this.layout.settings.ewmaAlpha;
    const time = event.time;
    this.countLearned();
    const failed = event.outcome === 'failure';
    slab[S.failureEwma] += alpha * ((failed ? 1 : 0) - slab[S.failureEwma]);
    if (event.action === 'mfa') this.learnMfa(event, alpha);
    if (failed) return;
    slab[S.lastSuccessTime] = time;
    this.learnHour(time);
    if (event.device?.id) this.devices.observe(event.device.id, time);
    if (event.src_ip) this.ips.observe(event.src_ip, time);
    if (event.asn !== undefined) this.asns.observe(String(event.asn), time);
    if (event.geo?.country) this.countries.observe(event.geo.country, time);
    if (event.user_agent) this.userAgents.observe(String(fnv1a(event.user_agent)), time);
    if (event.application) this.applications.observe(event.application, time);
    if (event.session_id) this.learnSession(event);
    const geo = event.geo;
    if (geo?.lat !== undefined && geo.lon !== undefined) {
      slab[S.lastLat] = geo.lat;
      slab[S.lastLon] = geo.lon;
      slab[S.lastAccuracyKm] = geo.accuracy_km ?? 0;
      slab[S.lastGeoTime] = time;
      slab[S.lastGeoAsn] = event.asn ?? 0;
      this.lastCountry = geo.country;
      this.lastCity = geo.city;
      this.lastLocatedEventId = event.id;
      this.lastLocatedIp = event.src_ip;
    }
  }

  private learnMfa(event: AuthEvent, alpha: number): void {
    const denied = event.mfa_result === 'denied' || event.mfa_result === 'timeout';
    this.slab[S.mfaDenyEwma] += alpha * ((denied ? 1 : 0) - this.slab[S.mfaDenyEwma]);
    if (event.mfa_result === 'success') this.slab[S.mfaSuccess] += 1;
    else if (event.mfa_result === 'denied') this.slab[S.mfaDenied] += 1;
    else if (event.mfa_result === 'timeout') this.slab[S.mfaTimeout] += 1;
  }

  private learnSession(event: AuthEvent): void {
    const known = this.sessions.has(event.session_id!);
    const slot = this.sessions.observe(event.session_id!, event.time);
    if (known) return;
    const at = this.layout.sessionPeers + slot * 2;
    this.slab[at] = event.src_ip ? fnv1a(event.src_ip) : 0;
    this.slab[at + 1] = event.device?.id ? fnv1a(event.device.id) : 0;
  }
}
