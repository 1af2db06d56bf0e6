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
  const facts: DeviceFacts = { id: device.id, known: record !== undefined };
  if (device.managed !== undefined) facts.managed = device.managed;
  if (device.compliant !== undefined) facts.compliant = device.compliant;
  if (device.trust_type !== undefined) facts.trust_type = device.trust_type;
  if (device.edr !== undefined) facts.edr = device.edr;
  if (device.mdm !== undefined) facts.mdm = device.mdm;
  if (!record) return facts;
  const compliant = record.usualShare(C.compliantKnown, C.compliant, 1);
  if (compliant !== undefined) facts.usually_compliant = compliant >= 0.5;
  const managed = record.usualShare(C.managedKnown, C.managed, 1);
  if (managed !== undefined) facts.usually_managed = managed >= 0.5;
  return facts;
}
