/**
 * False-positive suppressions from analyst feedback: a pattern (identity,
 * detector, attribute) marked false positive stops producing findings until
 * the suppression ends, in event time. The attribute is what made the
 * finding specific, e.g. the country of a new-location sign-in, so the same
 * detector still fires for that identity on anything else.
 */
import type { AuditHook } from '../audit/log.js';
import type { Finding } from '../detectors/types.js';
import type { VigilEvent } from '../events/schema.js';

/** The attribute of an event that a detector's finding is about. */
export function patternAttribute(detector: string, event: VigilEvent): string {
  if (event.kind === 'service') return `destination:${event.destination}`;
  if (event.kind === 'account') return `change:${event.change}`;
  switch (detector) {
    case 'impossible_travel':
    case 'new_device_location':
      return `country:${event.geo?.country ?? '?'}|device:${event.device?.id ?? '?'}`;
    case 'session_reuse':
      return `asn:${event.asn ?? '?'}`;
    case 'rare_hour':
      return `hour:${new Date(event.time).getUTCHours()}`;
    default:
      return `application:${event.application ?? '?'}`;
  }
}

const key = (identity: string, detector: string, attribute: string) =>
  `${identity}\u0000${detector}\u0000${attribute}`;

export class Suppressions {
  private readonly until = new Map<string, number>();
  /** Latest event time seen: suppressions added from the wall clock start from here. */
  latestEventTime = 0;

  get size(): number {
    return this.until.size;
  }

  /** Records suppressions people add (those given an `actor`) in the audit trail; set by the CLI wiring. */
  audit?: AuditHook;

  /**
   * Suppresses the pattern for `durationMs` of event time after the later of
   * `from` and the latest event seen. `actor`: who asked (audited); absent
   * for suppressions re-applied at start, which were audited when added.
   */
  add(
    identity: string,
    detector: string,
    attribute: string,
    from: number,
    durationMs: number,
    actor?: string,
  ): number {
    const end = Math.max(from, this.latestEventTime) + durationMs;
    this.until.set(key(identity, detector, attribute), end);
    if (actor !== undefined) {
      void this.audit?.record({
        kind: 'suppression',
        actor,
        subject: identity,
        payload: { detector, attribute, until_event_time: end, duration_ms: durationMs },
      });
    }
    return end;
  }

  isSuppressed(identity: string, detector: string, attribute: string, time: number): boolean {
    const end = this.until.get(key(identity, detector, attribute));
    if (end === undefined) return false;
    if (time < end) return true;
    this.until.delete(key(identity, detector, attribute));
    return false;
  }

  filter(event: VigilEvent, findings: Finding[]): Finding[] {
    if (event.time > this.latestEventTime) this.latestEventTime = event.time;
    if (findings.length === 0 || this.until.size === 0) return findings;
    return findings.filter(
      (finding) =>
        !this.isSuppressed(
          event.identity,
          finding.detector,
          patternAttribute(finding.detector, event),
          event.time,
        ),
    );
  }
}
