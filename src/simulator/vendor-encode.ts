/**
 * Renders simulated events in the vendor formats (`vigil simulate --format
 * okta|entra|windows|envoy|mixed`). A vendor logs only some kinds of events,
 * so each format has a chain of renderings: the chosen one first, then the
 * closest format that can express the rest (service calls → Envoy, identity
 * events Windows cannot log → Entra, ...), canonical as the last resort.
 * `mixed` picks at random (seeded) among the vendor renderings that fit each
 * event; a located sign-in (one with geo) is a cloud IdP's record, so Windows,
 * which cannot carry a location, is not among its choices. Replay such files
 * with `--format auto`.
 *
 * The label of an event must name the id Vigil will read back, which for
 * Windows is `win:<Computer>:<EventRecordID>`: the id is taken from the
 * record through the real mapper, which also proves the rendering decodes.
 */
import { recogniseFormat } from '../events/formats/auto.js';
import type { VigilEvent } from '../events/schema.js';
import { toEntra } from './entra-encode.js';
import { toEnvoy } from './envoy-encode.js';
import { toOkta } from './okta-encode.js';
import { Random, streamSeed } from './random.js';
import { toWindows } from './windows-encode.js';

export const VENDOR_FORMATS = ['okta', 'entra', 'windows', 'envoy', 'mixed'] as const;
export type VendorFormat = (typeof VENDOR_FORMATS)[number];

type Encoder = (event: VigilEvent) => Record<string, unknown> | undefined;

const CHAINS: Record<Exclude<VendorFormat, 'mixed'>, Encoder[]> = {
  okta: [toOkta, toEnvoy, toEntra],
  entra: [toEntra, toEnvoy, toOkta],
  windows: [toWindows, toEnvoy, toEntra, toOkta],
  envoy: [toEnvoy, toOkta, toEntra],
};
const ALL: Encoder[] = [toOkta, toEntra, toWindows, toEnvoy];
const CLOUD: Encoder[] = [toOkta, toEntra, toEnvoy];

export interface VendorRecord {
  record: Record<string, unknown>;
  /** The event id Vigil reads back from `record`. */
  id: string;
}

/** An encoder for one format; `seed` drives the per-line choice of `mixed`. */
export function vendorEncoder(format: VendorFormat, seed: number): (event: VigilEvent) => VendorRecord {
  const rng = new Random(streamSeed(seed, 'vendor-format'));
  return (event) => {
    let record: Record<string, unknown> | undefined;
    if (format === 'mixed') {
      const encoders = event.kind === 'auth' && event.geo !== undefined ? CLOUD : ALL;
      const fits = encoders
        .map((encode) => encode(event))
        .filter((r): r is Record<string, unknown> => r !== undefined);
      record = fits.length > 0 ? rng.pick(fits) : undefined;
    } else {
      for (const encode of CHAINS[format]) {
        record = encode(event);
        if (record) break;
      }
    }
    const rendered = record ?? (event as unknown as Record<string, unknown>);
    return { record: rendered, id: readBackId(rendered) ?? event.id };
  };
}

function readBackId(record: Record<string, unknown>): string | undefined {
  const mapped = recogniseFormat(record)?.map(record);
  if (!mapped?.ok) return undefined;
  const id = (mapped.value as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
