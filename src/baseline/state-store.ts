/**
 * The engine's per-partition memory: identity states, the population-level
 * source tracker, and their lossless snapshot / restore (versioned JSON with
 * the numeric slabs as base64). Bounded: past `maxIdentities`, the tenth of
 * identities seen longest ago is dropped.
 */
import { DeviceBook, type DeviceBookSnapshot } from '../devices/device-book.js';
import { IdentityPosture } from '../devices/identity-posture.js';
import { errors } from '../errors.js';
import type { IdentityType } from '../events/schema.js';
import { PeerActivity, type PeerActivitySnapshot } from '../peers/activity.js';
import type { IdentityRisk } from '../risk/accumulator.js';
import { AccountProfile, type AccountProfileSnapshot } from './account-profile.js';
import { AuthLayout, AuthProfile } from './auth-profile.js';
import type { BaselineSettings } from './config.js';
import { IdentityState, type ProfileLayouts } from './identity-state.js';
import { IncidentAlerts } from './incident-alerts.js';
import { SequenceState, type SequenceStateSnapshot } from './sequence-state.js';
import { ServiceLayout, ServiceProfile } from './service-profile.js';
import { SourceTracker } from './source-tracker.js';

export const STATE_FORMAT_VERSION = 1;

interface ProfileSnapshot {
  slab: string;
  hours: string;
  keys: (string | null)[];
  extra?: Record<string, string | undefined>;
}

export interface IdentitySnapshot {
  identity: string;
  type: IdentityType;
  auth?: ProfileSnapshot;
  service?: ProfileSnapshot;
  lastAlertAt?: Record<string, number>;
  account?: AccountProfileSnapshot;
  lastRiskyAt?: number;
  risk?: IdentityRisk;
  lastDecisionAt?: Record<string, number>;
  sequence?: SequenceStateSnapshot;
  devicePosture?: number[];
  peers?: PeerActivitySnapshot;
}

export interface StateSnapshot {
  formatVersion: number;
  identities: IdentitySnapshot[];
  sources: ReturnType<SourceTracker['snapshot']>;
  incidentAlerts?: Array<[string, number]>;
  devices?: DeviceBookSnapshot;
}

const toBase64 = (array: Float64Array | Uint16Array): string =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

function fromBase64<T extends Float64Array | Uint16Array>(
  text: string,
  Kind: { new (b: ArrayBuffer): T },
  length: number,
  what: string,
): T {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  const array = new Kind(copy);
  if (array.length !== length)
    throw errors.stateCorrupt(`${what} has ${array.length} numbers, expected ${length}`);
  return array;
}

export class StateStore {
  readonly layouts: ProfileLayouts;
  readonly sources = new SourceTracker();
  readonly incidentAlerts = new IncidentAlerts();
  /** Devices seen in this partition: their users and usual posture (src/devices/). */
  readonly devices = new DeviceBook();
  private readonly identities = new Map<string, IdentityState>();

  constructor(
    readonly settings: BaselineSettings,
    readonly maxIdentities = 1_000_000,
  ) {
    this.layouts = { auth: new AuthLayout(settings), service: new ServiceLayout(settings) };
  }

  get size(): number {
    return this.identities.size;
  }

  get(identity: string): IdentityState | undefined {
    return this.identities.get(identity);
  }

  /** State of an identity, created on first sight. */
  obtain(identity: string, type: IdentityType): IdentityState {
    let state = this.identities.get(identity);
    if (!state) {
      if (this.identities.size >= this.maxIdentities) this.evictStalest();
      state = new IdentityState(identity, type);
      this.identities.set(identity, state);
    }
    return state;
  }

  authProfile(state: IdentityState): AuthProfile {
    state.auth ??= new AuthProfile(this.layouts.auth);
    return state.auth;
  }

  serviceProfile(state: IdentityState): ServiceProfile {
    state.service ??= new ServiceProfile(this.layouts.service);
    return state.service;
  }

  values(): IterableIterator<IdentityState> {
    return this.identities.values();
  }

  delete(identity: string): boolean {
    return this.identities.delete(identity);
  }

  snapshot(): StateSnapshot {
    const identities: IdentitySnapshot[] = [];
    for (const state of this.identities.values()) {
      const row: IdentitySnapshot = { identity: state.identity, type: state.type };
      if (state.auth) {
        row.auth = {
          slab: toBase64(state.auth.slab),
          hours: toBase64(state.auth.hours),
          keys: state.auth.keys.map((k) => k ?? null),
          extra: {
            lastCountry: state.auth.lastCountry,
            lastCity: state.auth.lastCity,
            lastLocatedEventId: state.auth.lastLocatedEventId,
            lastLocatedIp: state.auth.lastLocatedIp,
          },
        };
      }
      if (state.service) {
        row.service = {
          slab: toBase64(state.service.slab),
          hours: toBase64(state.service.hours),
          keys: state.service.keys.map((k) => k ?? null),
        };
      }
      if (state.lastAlertAt) row.lastAlertAt = { ...state.lastAlertAt };
      if (state.account) row.account = state.account.snapshot();
      if (state.lastRiskyAt > 0) row.lastRiskyAt = state.lastRiskyAt;
      if (state.risk) row.risk = { ...state.risk };
      if (state.lastDecisionAt) row.lastDecisionAt = { ...state.lastDecisionAt };
      if (state.sequence) row.sequence = state.sequence.snapshot();
      if (state.devicePosture) row.devicePosture = state.devicePosture.snapshot();
      if (state.peers) row.peers = state.peers.snapshot();
      identities.push(row);
    }
    return {
      formatVersion: STATE_FORMAT_VERSION,
      identities,
      sources: this.sources.snapshot(),
      incidentAlerts: this.incidentAlerts.snapshot(),
      devices: this.devices.snapshot(),
    };
  }

  restore(snapshot: StateSnapshot): void {
    if (snapshot?.formatVersion !== STATE_FORMAT_VERSION) {
      throw errors.stateVersion(snapshot?.formatVersion, STATE_FORMAT_VERSION);
    }
    this.identities.clear();
    for (const row of snapshot.identities) this.identities.set(row.identity, this.restoreIdentity(row));
    this.sources.restore(snapshot.sources ?? []);
    this.incidentAlerts.restore(snapshot.incidentAlerts ?? []);
    this.devices.restore(snapshot.devices);
  }

  private restoreIdentity(row: IdentitySnapshot): IdentityState {
    const state = new IdentityState(row.identity, row.type);
    const { auth, service } = this.layouts;
    if (row.auth) {
      const keys = this.restoreKeys(row.auth.keys, auth.keyCount, `${row.identity} auth keys`);
      state.auth = new AuthProfile(
        auth,
        fromBase64(row.auth.slab, Float64Array, auth.slabSize, `${row.identity} auth slab`),
        keys,
        fromBase64(row.auth.hours, Uint16Array, 168, `${row.identity} auth hours`),
      );
      state.auth.lastCountry = row.auth.extra?.lastCountry;
      state.auth.lastCity = row.auth.extra?.lastCity;
      state.auth.lastLocatedEventId = row.auth.extra?.lastLocatedEventId;
      state.auth.lastLocatedIp = row.auth.extra?.lastLocatedIp;
    }
    if (row.service) {
      const keys = this.restoreKeys(row.service.keys, service.keyCount, `${row.identity} service keys`);
      state.service = new ServiceProfile(
        service,
        fromBase64(row.service.slab, Float64Array, service.slabSize, `${row.identity} service slab`),
        keys,
        fromBase64(row.service.hours, Uint16Array, 168, `${row.identity} service hours`),
      );
    }
    if (row.lastAlertAt) state.lastAlertAt = { ...row.lastAlertAt };
    if (row.account) {
      state.account = AccountProfile.restore(row.account);
      if (!state.account) throw errors.stateCorrupt(`${row.identity} account profile has the wrong size`);
    }
    if (row.lastRiskyAt) state.lastRiskyAt = row.lastRiskyAt;
    if (row.risk) state.risk = { ...row.risk };
    if (row.lastDecisionAt) state.lastDecisionAt = { ...row.lastDecisionAt };
    if (row.sequence) state.sequence = SequenceState.restore(row.sequence);
    if (row.devicePosture) {
      state.devicePosture = IdentityPosture.restore(row.devicePosture);
      if (!state.devicePosture)
        throw errors.stateCorrupt(`${row.identity} device posture has the wrong size`);
    }
    if (row.peers) state.peers = PeerActivity.restore(row.peers, `${row.identity} peer activity`);
    return state;
  }

  private restoreKeys(keys: (string | null)[], expected: number, what: string): (string | undefined)[] {
    if (!Array.isArray(keys) || keys.length !== expected) {
      throw errors.stateCorrupt(`${what}: expected ${expected} entries (were the baseline caps changed?)`);
    }
    return keys.map((k) => k ?? undefined);
  }

  private evictStalest(): void {
    const byAge = [...this.identities.values()].sort((a, b) => a.lastSeen - b.lastSeen);
    const drop = Math.max(1, Math.floor(byAge.length / 10));
    for (let i = 0; i < drop; i++) this.identities.delete(byAge[i].identity);
  }
}
