/**
 * Turns findings into alerts: one alert per identity and detector per
 * suppression window (later findings of the same incident raise the event's
 * risk but not a second alert), or per detector and incident key for
 * incidents that span identities, with a deterministic id so replaying the
 * same input never yields a different or duplicate alert.
 */
import { createHash } from 'node:crypto';
import type { IdentityState } from '../baseline/identity-state.js';
import type { IncidentAlerts } from '../baseline/incident-alerts.js';
import type { Finding } from '../detectors/types.js';
import type { AlertRecord } from '../engine/types.js';
import type { VigilEvent } from '../events/schema.js';

export interface AlertSettings {
  minSeverity: number;
  suppressMs: number;
}

export function alertId(identity: string, detector: string, eventId: string): string {
  return createHash('sha256')
    .update(`${identity}\u0000${detector}\u0000${eventId}`)
    .digest('hex')
    .slice(0, 32);
}

/** Whether an alert for this finding was already raised within the window; records it if not. */
function suppressed(
  finding: Finding,
  state: IdentityState,
  incidents: IncidentAlerts,
  time: number,
  windowMs: number,
): boolean {
  if (finding.incidentKey !== undefined) {
    const key = `${finding.detector}\u0000${finding.incidentKey}`;
    if (incidents.alertedWithin(key, time, windowMs)) return true;
    incidents.record(key, time);
    return false;
  }
  if (state.alertedWithin(finding.detector, time, windowMs)) return true;
  state.recordAlert(finding.detector, time);
  return false;
}

export function raiseAlerts(
  event: VigilEvent,
  state: IdentityState,
  incidents: IncidentAlerts,
  findings: readonly Finding[],
  risk: number,
  settings: AlertSettings,
  out: AlertRecord[],
): void {
  for (const finding of findings) {
    if (finding.severity < settings.minSeverity) continue;
    if (suppressed(finding, state, incidents, event.time, settings.suppressMs)) continue;
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
