/**
 * The device baseline of one partition: a bounded map from device id to its
 * record (src/devices/device-book.ts owns the map, device-record.ts the
 * record). Map order is recency order (a use moves the device to the end),
 * so past `maxDevices` the least recently seen devices are dropped first.
 * Updated by the analyzer after the detectors ran (they read the book as it
 * stood before the event); snapshotted with the rest of the partition's
 * state. Must never do I/O or read the clock.
 */
import { errors } from '../errors.js';
import type { AuthEvent } from '../events/schema.js';
import { DeviceRecord, type DeviceRecordSnapshot } from './device-record.js';
import { reportsPosture } from './posture.js';

export interface DeviceBookSettings {
  /** Devices remembered per partition; the least recently seen go first. */
  maxDevices: number;
  /** Identities remembered per device; the one that used it longest ago goes first. */
  maxUsersPerDevice: number;
}

export const DEFAULT_DEVICE_BOOK: DeviceBookSettings = { maxDevices: 200_000, maxUsersPerDevice: 32 };

export interface DeviceBookSnapshot {
  devices: DeviceRecordSnapshot[];
}

export class DeviceBook {
  private readonly devices = new Map<string, DeviceRecord>();

  constructor(readonly settings: DeviceBookSettings = DEFAULT_DEVICE_BOOK) {}

  get size(): number {
    return this.devices.size;
  }

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }

  values(): IterableIterator<DeviceRecord> {
    return this.devices.values();
  }

  /**
   * Records an auth event naming a device: its use by the identity and the
   * posture it reported; `learned` events also teach the device's usual posture.
   */
  observe(event: AuthEvent, learned: boolean): void {
    const device = event.device;
    const id = device?.id;
    if (!device || !id) return;
    let record = this.devices.get(id);
    if (!record) {
      if (this.devices.size >= this.settings.maxDevices) this.evictLeastRecent();
      record = new DeviceRecord(id, event.time);
      this.devices.set(id, record);
    }
    record.recordUse(event.identity, event.time, this.settings.maxUsersPerDevice);
    if (!reportsPosture(device)) return;
    record.recordPosture(device, event.time);
    if (learned && event.outcome === 'success') record.learnPosture(device);
  }

  snapshot(): DeviceBookSnapshot {
    return { devices: Array.from(this.devices.values(), (record) => record.snapshot()) };
  }

  restore(snapshot: DeviceBookSnapshot | undefined): void {
    this.devices.clear();
    for (const row of snapshot?.devices ?? []) {
      const record = DeviceRecord.restore(row);
      if (!record) throw errors.stateCorrupt(`device ${row.id} has a malformed record`);
      this.devices.set(row.id, record);
    }
  }

  /**
   * Drops the hundredth of devices seen longest ago (at least one): a scan,
   * but only when the book is full, so the per-event path never reorders the map.
   */
  private evictLeastRecent(): void {
    const drop = Math.max(1, Math.floor(this.devices.size / 100));
    const lastSeen = Float64Array.from(this.devices.values(), (record) => record.lastSeen).sort();
    const cutoff = lastSeen[drop - 1];
    let dropped = 0;
    for (const [id, record] of this.devices) {
      if (record.lastSeen <= cutoff && dropped < drop) {
        this.devices.delete(id);
        dropped++;
      }
    }
  }
}
