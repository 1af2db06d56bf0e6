/**
 * Turns findings into alerts: one alert per identity and detector per
 * suppression window (later findings of the same incident raise the event's
 * risk but not a second alert), with a deterministic id so replaying the
 * same input never yields a different or duplicate alert.
 */
import { createHash } from 'node:crypto';
import type { IdentityState } from '../baseline/identity-state.js';
import type { Finding } from '../detectors/types.js';
import type { AlertRecord } from '../engine/types.js';
import type { VigilEvent } from '../events/schema.js';

export interface AlertSettings {
  minSeverity: number;
  suppressMs: number;
}

export function alertId(identity: string, detector: string, eventId: string): string {
  return createHash('sha256').update(`${identity}\u0000${detector}\u0000${eventId}`).digest('hex').slice(0, 32);
}

export function raiseAlerts(
  event: VigilEvent,
  state: IdentityState,
  findings: readonly Finding[],
  risk: number,
  settings: AlertSettings,
  out: AlertRecord[],
): void {
  for (const finding of findings) {
    if (finding.severity < settings.minSeverity) continue;
    if (state.alertedWithin(finding.detector, event.time, settings.suppressMs)) continue;
    state.recordAlert(finding.detector, event.time);
    out.push({
      id: alertId(event.identity, finding.detector, event.id),
      time: event.time,
      identity: event.identity,
      identity_type: event.identity_type,
      kind: finding.detector,
      severity: finding.severity,
      risk,
      summary: finding.summary,
      evidence: finding.evidence,
      event_ids: finding.relatedEventIds ? [...finding.relatedEventIds, event.id] : [event.id],
    });
  }
}
