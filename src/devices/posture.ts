/**
 * What a device posture means for risk: which reported values are healthy
 * (managed, compliant, EDR `active`, MDM `enrolled`) and which fields an
 * event actually reports. Pure functions over the canonical `DevicePosture`;
 * must never keep state or guess a value the source did not report (an
 * absent field is "unknown", never "bad").
 */
import type { DevicePosture } from '../events/schema.js';

/** EDR agent statuses that count as protected (canonical vocabulary: see docs/formats.md). */
const HEALTHY_EDR = new Set(['active', 'healthy', 'running', 'enabled']);
/** MDM enrolment statuses that count as managed. */
const HEALTHY_MDM = new Set(['enrolled', 'managed', 'active']);

export const isHealthyEdr = (status: string): boolean => HEALTHY_EDR.has(status.toLowerCase());
export const isHealthyMdm = (status: string): boolean => HEALTHY_MDM.has(status.toLowerCase());

/** Whether an event's device reports any posture at all (beyond its id). */
export function reportsPosture(device: DevicePosture | undefined): device is DevicePosture {
  return (
    device !== undefined &&
    (device.managed !== undefined ||
      device.compliant !== undefined ||
      device.edr !== undefined ||
      device.mdm !== undefined)
  );
}

/** A posture is failing when the source says it is unmanaged or non-compliant. */
export function isFailing(device: DevicePosture | undefined): boolean {
  return device !== undefined && (device.managed === false || device.compliant === false);
}

/** CAEP device-compliance-change status of a reported compliance verdict. */
export const complianceStatus = (compliant: boolean): 'compliant' | 'not-compliant' =>
  compliant ? 'compliant' : 'not-compliant';
