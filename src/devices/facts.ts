/**
 * The device facts the response policy matches on (`EventFacts.device`):
 * the posture the event reports and what Vigil knew of the device before it
 * (seen before, usually compliant / managed). Built by the analyzer from the
 * device book as it stood before the event. Must never mutate the book.
 */
import type { AuthEvent } from '../events/schema.js';
import type { DeviceBook } from './device-book.js';
import { C } from './device-record.js';

export interface DeviceFacts {
  id: string;
  managed?: boolean;
  compliant?: boolean;
  trust_type?: string;
  edr?: string;
  mdm?: string;
  /** Whether Vigil had seen the device before this event. */
  known: boolean;
  /** Majority of the device's learned observations (absent when none reported it). */
  usually_compliant?: boolean;
  usually_managed?: boolean;
}

export function deviceFacts(event: AuthEvent, book: DeviceBook): DeviceFacts | undefined {
  const device = event.device;
  if (!device?.id) return undefined;
  const record = book.get(device.id);
  // One object shape for every event (all members assigned), so the hot path stays monomorphic.
  const compliant = record?.usualShare(C.compliantKnown, C.compliant, 1);
  const managed = record?.usualShare(C.managedKnown, C.managed, 1);
  return {
    id: device.id,
    known: record !== undefined,
    managed: device.managed,
    compliant: device.compliant,
    trust_type: device.trust_type,
    edr: device.edr,
    mdm: device.mdm,
    usually_compliant: compliant === undefined ? undefined : compliant >= 0.5,
    usually_managed: managed === undefined ? undefined : managed >= 0.5,
  };
}
