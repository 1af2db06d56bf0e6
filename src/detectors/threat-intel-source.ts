/**
 * Threat-intel source: an auth event from an address the pipeline's intel
 * lists (src/intel/) put in an anonymiser (Tor exit, open proxy, commercial
 * VPN), a known-bad range, or a hosting network. Anonymisers and known-bad
 * ranges are how stolen credentials are usually tried and used; a person
 * signing in from a cloud server is unusual but often benign (a cloud
 * desktop), so hosting weighs least and by default counts only for people,
 * since service accounts and workloads live in clouds.
 *
 * A successful sign-in weighs most; other successful activity (token use,
 * MFA) a little less; a failed attempt half. With several categories the
 * heaviest decides. Corporate egress never fires. Quiet when the pipeline
 * configures no lists.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ANONYMISER, CORPORATE_EGRESS, HOSTING, KNOWN_BAD } from '../intel/categories.js';
import type { IntelLookup } from '../intel/lookup.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const weight = (value: number, description: string) =>
  Type.Number({ default: value, minimum: 0, maximum: 1, description });

const Params = Type.Object({
  severity_known_bad: weight(0.8, 'severity of a successful sign-in from a known_bad range'),
  severity_anonymiser: weight(
    0.65,
    'severity of a successful sign-in from an anonymiser (Tor exit, proxy, VPN)',
  ),
  severity_hosting: weight(0.3, 'severity of a successful sign-in from a hosting (cloud / VPS) network'),
  severity_custom: Type.Record(
    Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
    Type.Number({ minimum: 0, maximum: 1 }),
    {
      default: {},
      description: 'severities of categories of your own from CSV lists, by name (others never fire)',
    },
  ),
  other_success_factor: weight(
    0.8,
    'share of the severity for other successful activity (token use, MFA, ...)',
  ),
  failure_factor: weight(0.5, 'share of the severity for a failed attempt'),
  hosting_users_only: Type.Boolean({
    default: true,
    description:
      'hosting counts only for people, not for service accounts and workloads (which run in clouds)',
  }),
});
type Params = Static<typeof Params>;

const BUILTIN_BITS = ANONYMISER | HOSTING | KNOWN_BAD | CORPORATE_EGRESS;

/** The heaviest severity among the categories in `mask`, and the category it belongs to. */
function heaviest(
  mask: number,
  intel: IntelLookup,
  params: Params,
  hostingCounts: boolean,
): { level: number; category: string } | undefined {
  let level = 0;
  let category = '';
  const consider = (value: number, name: string) => {
    if (value > level) {
      level = value;
      category = name;
    }
  };
  if (mask & KNOWN_BAD) consider(params.severity_known_bad, 'known_bad');
  if (mask & ANONYMISER) consider(params.severity_anonymiser, 'anonymiser');
  if (mask & HOSTING && hostingCounts) consider(params.severity_hosting, 'hosting');
  if ((mask & ~BUILTIN_BITS) !== 0)
    for (const name of intel.namesOf(mask)) consider(params.severity_custom[name] ?? 0, name);
  return level > 0 ? { level, category } : undefined;
}

export const threatIntelSource: DetectorDefinition<Params> = {
  name: 'threat_intel_source',
  kind: 'auth',
  description:
    'Sign-in or activity from an address in a threat-intel list: anonymiser (Tor exit, proxy), known-bad, or hosting network.',
  params: Params,
  create(params): AuthDetector {
    const hasCustom = Object.keys(params.severity_custom).length > 0;
    const firing = KNOWN_BAD | ANONYMISER | HOSTING | (hasCustom ? ~BUILTIN_BITS : 0);
    return {
      name: 'threat_intel_source',
      kind: 'auth',
      inspect(event, { environment }) {
        const intel = environment?.intel;
        if (intel === undefined || event.src_ip === undefined) return undefined;
        const mask = intel.categoriesOf(event.src_ip);
        if ((mask & firing) === 0) return undefined;
        const hostingCounts = !params.hosting_users_only || event.identity_type === 'user';
        const worst = heaviest(mask, intel, params, hostingCounts);
        if (!worst) return undefined;
        const signIn = event.action === 'sign_in';
        const factor =
          event.outcome === 'failure' ? params.failure_factor : signIn ? 1 : params.other_success_factor;
        const match = intel.matchOf(event.src_ip)!;
        const what = event.outcome === 'failure' ? `failed ${event.action}` : `successful ${event.action}`;
        return {
          detector: 'threat_intel_source',
          severity: severity(worst.level * factor),
          summary: `${what} from ${event.src_ip}, listed as ${match.categories.join(', ')} (${match.prefix} in ${match.list})`,
          evidence: {
            src_ip: event.src_ip,
            categories: match.categories,
            weighed_category: worst.category,
            prefix: match.prefix,
            list: match.list,
            action: event.action,
            outcome: event.outcome,
            asn: event.asn,
            country: event.geo?.country,
          },
        };
      },
    };
  },
};
