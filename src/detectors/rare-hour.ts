/**
 * Rare hour: a successful sign-in at an hour of the day this identity has
 * never been active at, not even within an hour either side on any weekday.
 * Someone who occasionally works at that hour has a share above the threshold
 * and is never flagged.
 *
 * Severity grows with how far (in hours) the sign-in is from the nearest hour
 * of day with activity, and is lower away from the identity's known countries,
 * where a time-zone shift explains the clock. Near the edges of the usual day
 * it stays below the default alert threshold (0.5) on purpose: a first late
 * evening must still be learned, or the person could never become someone who
 * occasionally works late; it still adds weight to other findings (a new
 * device at 3 a.m.) through risk fusion. Only deep in the identity's quiet
 * hours (`alert_gap_hours` from any activity) and with a long history
 * (`alert_min_history` learned sign-ins, so the quiet hours are really quiet)
 * does it reach alert level on its own.
 */
import { type Static, Type } from '@sinclair/typebox';
import { HOURS_PER_WEEK, hourOfWeek } from '../baseline/config.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  max_share: Type.Number({
    default: 0.01,
    minimum: 0,
    maximum: 1,
    description: 'share of activity within ±1 hour of this hour of day below which the hour is rare',
  }),
  max_severity: Type.Number({
    default: 0.48,
    minimum: 0,
    maximum: 1,
    description: 'severity when the sign-in is six or more hours from any usual hour, in a known country',
  }),
  alert_gap_hours: Type.Integer({
    default: 4,
    minimum: 1,
    maximum: 12,
    description: 'hours from any usual activity at which, with enough history, the finding alerts on its own',
  }),
  alert_min_history: Type.Integer({
    default: 80,
    minimum: 1,
    description: 'learned active hours (histogram total) needed before the finding alerts on its own',
  }),
  alert_severity: Type.Number({
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'severity deep in the quiet hours of a long history, in a known country',
  }),
});
type Params = Static<typeof Params>;

/** Hours of the day (circular distance) from `hour` to the nearest hour of day with learned activity. */
function hoursToNearestActivity(hours: Uint16Array, hour: number): number {
  for (let distance = 0; distance <= 12; distance++) {
    const before = (hour - distance + 24) % 24;
    const after = (hour + distance) % 24;
    for (let day = 0; day < HOURS_PER_WEEK; day += 24) {
      if (hours[day + before] > 0 || hours[day + after] > 0) return distance;
    }
  }
  return 12;
}

export const rareHour: DetectorDefinition<Params> = {
  name: 'rare_hour',
  kind: 'auth',
  description: 'Successful sign-in at an hour of the day the identity is never active at.',
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'rare_hour',
      kind: 'auth',
      inspect(event, { profile }) {
        if (event.action !== 'sign_in' || event.outcome !== 'success' || !profile.isMature) return undefined;
        if (profile.hourShare(event.time) !== 0) return undefined;
        const share = profile.hourOfDayShare(event.time);
        if (share >= params.max_share) return undefined;
        const hour = hourOfWeek(event.time) % 24;
        const gap = hoursToNearestActivity(profile.hours, hour);
        const country = event.geo?.country;
        const abroad = country !== undefined && profile.countries.size > 0 && !profile.countries.has(country);
        // 0.4 two hours from the usual day, max_severity from six hours on; two thirds of that abroad.
        const deep = gap >= params.alert_gap_hours && profile.hourTotal >= params.alert_min_history;
        const level = deep
          ? params.alert_severity + 0.05 * Math.min(2, gap - params.alert_gap_hours)
          : params.max_severity * (0.83 + 0.17 * Math.min(1, Math.max(0, gap - 2) / 4));
        return {
          detector: 'rare_hour',
          severity: severity(abroad ? level * 0.67 : level),
          summary: `Sign-in at ${String(hour).padStart(2, '0')}:00 UTC, ${gap} hours from any hour this identity is usually active`,
          evidence: {
            hour_utc: hour,
            hour_of_day_share: Math.round(share * 10_000) / 10_000,
            hours_from_usual_activity: gap,
            learned_activity: profile.hourTotal,
            country,
            known_country: !abroad,
          },
        };
      },
    };
  },
};
