/**
 * Denied spike: a workload collecting many 401/403 responses within minutes,
 * far above its own habit: credential probing, enumeration of what a stolen
 * workload identity may reach, or a policy change an operator should hear
 * about. Judged on denied events only.
 *
 * "Above its habit" compares the share of denials among the workload's recent
 * calls (the last ≤ 32, from the recent-destinations ring, which every call
 * enters) with its long-run denied share, so a busy workload whose usual 1 %
 * adds up to ten denials in five minutes stays quiet. The long-run share, not
 * the EWMA `deniedRate`: the burst's first calls are learned before the
 * threshold is reached, and with a 20-call memory they would already have
 * taught the EWMA that refusals are normal. Judged on mature baselines only:
 * until then the workload's denials are what teaches it its habit.
 */
import { type Static, Type } from '@sinclair/typebox';
import { isDenied } from '../baseline/service-profile.js';
import { type DetectorDefinition, type ServiceDetector, severity } from './types.js';

const Params = Type.Object({
  window_minutes: Type.Number({
    default: 5,
    minimum: 1,
    description: 'sliding window for 401/403 responses',
  }),
  min_denied: Type.Integer({
    default: 10,
    minimum: 2,
    description: '401/403 responses in the window that may fire',
  }),
  min_share: Type.Number({
    default: 0.25,
    minimum: 0,
    maximum: 1,
    description: 'share of recent calls that must be denied, whatever the habit',
  }),
  habit_factor: Type.Number({
    default: 4,
    minimum: 1,
    description: 'the recent denied share must also be this many times the long-run denied share',
  }),
});
type Params = Static<typeof Params>;

export const deniedSpike: DetectorDefinition<Params> = {
  name: 'denied_spike',
  kind: 'service',
  description: 'Many 401/403 responses for one workload within minutes, far above its usual denied rate.',
  params: Params,
  create(params): ServiceDetector {
    const windowMs = params.window_minutes * 60_000;
    return {
      name: 'denied_spike',
      kind: 'service',
      inspect(event, { profile }) {
        if (!isDenied(event.status) || !profile.isMature) return undefined;
        const since = event.time - windowMs;
        const denied = profile.denied.countSince(since);
        if (denied < params.min_denied) return undefined;
        // Align both counts on the span the recent-calls ring still covers.
        const calls = profile.recentDestinations;
        const start = Math.max(since, calls.oldestSince(since));
        const recentCalls = calls.countSince(start);
        const recentDenied = Math.min(recentCalls, profile.denied.countSince(start));
        const share = recentCalls === 0 ? 1 : recentDenied / recentCalls;
        const usualRate = profile.deniedShare;
        if (share < params.min_share || share < params.habit_factor * usualRate) return undefined;
        const excess = Math.min(1, (denied - params.min_denied) / (2 * params.min_denied));
        return {
          detector: 'denied_spike',
          severity: severity(0.55 + 0.25 * excess + 0.15 * share),
          summary: `${denied} calls denied (401/403) in ${params.window_minutes} minutes, ${Math.round(share * 100)}% of recent calls (usually ${Math.round(usualRate * 1000) / 10}%)`,
          evidence: {
            denied,
            window_minutes: params.window_minutes,
            recent_denied_share: Math.round(share * 1000) / 1000,
            usual_denied_rate: Math.round(usualRate * 1000) / 1000,
            recent_denied_rate_ewma: Math.round(profile.deniedRate * 1000) / 1000,
            status: event.status,
            destination: event.destination,
            route: event.route,
          },
        };
      },
    };
  },
};
