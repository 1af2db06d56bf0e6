/** Registry of input formats by name; the single place a new format is added. */
import { errors } from '../../errors.js';
import { autoFormat } from './auto.js';
import { canonicalFormat } from './canonical.js';
import { entraFormat } from './entra.js';
import { envoyFormat } from './envoy.js';
import { ocsfFormat } from './ocsf.js';
import { oktaFormat } from './okta.js';
import type { InputFormat } from './types.js';
import { windowsFormat } from './windows.js';

const FORMATS: Record<string, InputFormat> = {
  canonical: canonicalFormat,
  ocsf: ocsfFormat,
  okta: oktaFormat,
  entra: entraFormat,
  windows: windowsFormat,
  envoy: envoyFormat,
  auto: autoFormat,
};

export const FORMAT_NAMES = Object.keys(FORMATS);

export function inputFormat(name: string): InputFormat {
  const format = FORMATS[name];
  if (!format) throw errors.formatUnknown(name, FORMAT_NAMES);
  return format;
}

export type { InputFormat } from './types.js';
