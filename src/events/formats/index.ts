/** Registry of input formats by name; the single place a new format is added. */
import { errors } from '../../errors.js';
import { canonicalFormat } from './canonical.js';
import { ocsfFormat } from './ocsf.js';
import type { InputFormat } from './types.js';

const FORMATS: Record<string, InputFormat> = {
  canonical: canonicalFormat,
  ocsf: ocsfFormat,
};

export const FORMAT_NAMES = Object.keys(FORMATS);

export function inputFormat(name: string): InputFormat {
  const format = FORMATS[name];
  if (!format) throw errors.formatUnknown(name, FORMAT_NAMES);
  return format;
}

export type { InputFormat } from './types.js';
