/**
 * `--format auto`: recognises the format of each record on its own, so one
 * file or topic may mix Okta, Entra, Windows, Envoy, OCSF and canonical
 * records. Recognition looks only at a record's shape (keys that one format
 * alone uses, listed in docs/formats-vendors.md), in a fixed order; a record
 * no format claims is dead-lettered as `unrecognised_format`. Never throws.
 */
import { reject } from '../validate.js';
import { canonicalFormat } from './canonical.js';
import { entraFormat, isEntraRecord, splitEntra } from './entra.js';
import { envoyFormat, isEnvoyRecord } from './envoy.js';
import { ocsfFormat } from './ocsf.js';
import { isOktaRecord, oktaFormat } from './okta.js';
import type { InputFormat } from './types.js';
import { asObject, type Json } from './vendor-fields.js';
import { isWindowsRecord, windowsFormat } from './windows.js';

const CANONICAL_KINDS = new Set(['auth', 'service', 'account']);

/** The format a record belongs to, or undefined when none claims it. */
export function recogniseFormat(record: unknown): InputFormat | undefined {
  const object: Json | undefined = asObject(record);
  if (!object) return undefined;
  if (typeof object.kind === 'string' && CANONICAL_KINDS.has(object.kind)) return canonicalFormat;
  if (typeof object.class_uid === 'number') return ocsfFormat;
  if (isOktaRecord(object)) return oktaFormat;
  if (isEntraRecord(object)) return entraFormat;
  if (isWindowsRecord(object)) return windowsFormat;
  if (isEnvoyRecord(object)) return envoyFormat;
  return undefined;
}

export const autoFormat: InputFormat = {
  name: 'auto',
  split: splitEntra,
  map(record) {
    const format = recogniseFormat(record);
    if (!format) {
      return reject(
        'unrecognised_format',
        '/',
        'record matches none of the known formats (canonical, ocsf, okta, entra, windows, envoy)',
      );
    }
    return format.map(record);
  },
};
