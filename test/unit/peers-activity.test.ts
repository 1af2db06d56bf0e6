/**
 * Per-identity usage and data movement: today's counters, usual levels that
 * learn only from learned events, end-user attribution of service calls, and
 * a lossless snapshot / restore through the state store.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { VigilError } from '../../src/errors.js';
import { decodeRecord } from '../../src/events/decode.js';
import { inputFormat } from '../../src/events/formats/index.js';
import { PeerActivity } from '../../src/peers/activity.js';
import { authEvent, DAY, HOUR, serviceEvent, T0 } from '../support/events.js';
import { ordinaryDays, peerRig } from '../support/peers.js';

const MB = 1_000_000;
const ALICE = 'alice@example.com';

describe('per-identity activity', () => {
  it('folds each finished day into the usual levels', () => {
    const activity = new PeerActivity(8);
    for (let day = 0; day < 3; day++) {
      for (let k = 0; k < 4; k++) {
        const time = T0 + day * DAY + 9 * HOUR + k * 1000;
        activity.track('files', time, 5 * MB, 2);
        activity.learn('files', time, 5 * MB, 2);
      }
    }
    const today = T0 + 3 * DAY + 9 * HOUR;
    activity.track('files', today, MB, 1);
    expect(activity.activeDays).toBe(3);
    expect(activity.usualDailyEvents).toBeCloseTo(4);
    expect(activity.usualVolume('files')).toMatchObject({ bytes: 20 * MB, objects: 8, days: 3 });
    expect(activity.volumeToday('files', today)).toEqual({ bytes: MB, objects: 1 });
    expect(activity.eventsToday).toBe(1);
  });

  it('never lets volume that was not learned become usual', () => {
    const activity = new PeerActivity(8);
    for (let day = 0; day < 3; day++) {
      const time = T0 + day * DAY + 9 * HOUR;
      activity.track('files', time, 5 * MB, 1);
      activity.learn('files', time, 5 * MB, 1);
      activity.track('files', time + 1000, 900 * MB, 40); // risky: tracked, not learned
    }
    activity.track('files', T0 + 3 * DAY, 1, 1);
    expect(activity.usualVolume('files').bytes).toBe(5 * MB);
    expect(activity.uses('files')).toBe(true);
    expect(activity.uses('payroll')).toBe(false);
  });

  it('evicts the least recently seen application when its slots are full', () => {
    const activity = new PeerActivity(4);
    ['a', 'b', 'c', 'd'].forEach((app, i) => {
      activity.track(app, T0 + i * 1000, 0, 0);
      activity.learn(app, T0 + i * 1000, 0, 0);
    });
    activity.track('e', T0 + 10_000, 0, 0);
    expect(activity.keys).toEqual(['e', 'b', 'c', 'd']);
  });

  it("attributes a service call's bytes to its propagated end user", () => {
    const rig = peerRig();
    rig.analyzer.analyze(
      serviceEvent({
        end_user: ALICE,
        destination: 'reports.svc',
        bytes_in: 100,
        bytes_out: 40 * MB,
        time: T0,
      }),
    );
    const alice = rig.store.get(ALICE)!.peers!;
    expect(alice.volumeToday('reports.svc', T0)).toEqual({ bytes: 40 * MB + 100, objects: 1 });
    expect(alice.topToday(T0, 3)).toEqual([{ app: 'reports.svc', bytes: 40 * MB + 100, objects: 1 }]);
  });
});

describe('peer activity in state snapshots', () => {
  function trainedStore(): StateStore {
    const rig = peerRig();
    const usage = { [ALICE]: ['files', 'mail'], 'bob@example.com': ['mail', 'crm'] };
    const volume = (_: string, app: string) => (app === 'files' ? { bytes_out: 3 * MB, objects: 2 } : {});
    for (const event of ordinaryDays(usage, 4, 5, volume)) rig.analyzer.analyze(event);
    rig.analyzer.analyze(serviceEvent({ end_user: ALICE, time: T0 + 4 * DAY }));
    return rig.store;
  }

  it('round-trips losslessly', () => {
    const store = trainedStore();
    const snapshot = store.snapshot();
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(JSON.parse(JSON.stringify(snapshot)));
    expect(restored.snapshot()).toEqual(snapshot);
    const alice = restored.get(ALICE)!.peers!;
    expect(alice.slab).toEqual(store.get(ALICE)!.peers!.slab);
    expect(alice.usedApps().sort()).toEqual(['files', 'mail', 'payments.shop.svc']);
    expect(alice.usualVolume('files').bytes).toBeCloseTo(9 * MB);
  });

  it('rejects a peer activity slab of the wrong size', () => {
    const snapshot = trainedStore().snapshot();
    const row = snapshot.identities.find((identity) => identity.identity === ALICE)!;
    row.peers = { ...row.peers!, keys: row.peers!.keys.slice(1) };
    expect(() => new StateStore(DEFAULT_BASELINE).restore(snapshot)).toThrow(VigilError);
  });
});

describe('volume fields on app events', () => {
  const NOW = Date.UTC(2026, 5, 1);
  const ocsfDownload = {
    class_uid: 3002,
    activity_id: 1,
    time: Date.UTC(2026, 0, 5, 9),
    metadata: { uid: 'evt-dl-1' },
    user: { name: ALICE, type_id: 1 },
    status_id: 1,
    service: { name: 'files' },
    traffic: { bytes_in: 2_000, bytes_out: 48_000_000 },
  };

  it('maps OCSF traffic.bytes_in / bytes_out of an authentication record', () => {
    const result = decodeRecord(JSON.stringify(ocsfDownload), inputFormat('ocsf'), NOW);
    expect(result.ok && result.value).toMatchObject({
      application: 'files',
      bytes_in: 2_000,
      bytes_out: 48_000_000,
    });
  });

  it('accepts canonical bytes and object counts and rejects negative ones, naming the field', () => {
    const canonical = inputFormat('canonical');
    const ok = decodeRecord(
      JSON.stringify({ ...authEvent(), bytes_out: 5 * MB, objects: 12 }),
      canonical,
      NOW,
    );
    expect(ok.ok && ok.value).toMatchObject({ bytes_out: 5 * MB, objects: 12 });
    const bad = decodeRecord(JSON.stringify({ ...authEvent(), objects: -1 }), canonical, NOW);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.field).toBe('/objects');
  });
});
