/**
 * Errors as values with stable codes. Every error Vigil raises on purpose is
 * created here, so operators can grep for a code and scripts can match on it.
 * A message says what went wrong and what to do; `field` names the offending
 * key (a JSON pointer-like path) when there is one.
 */
export type VigilErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'INPUT_NOT_FOUND'
  | 'FORMAT_UNKNOWN'
  | 'DETECTOR_UNKNOWN'
  | 'STATE_CORRUPT'
  | 'STATE_VERSION'
  | 'USAGE';

export class VigilError extends Error {
  readonly code: VigilErrorCode;
  readonly field: string | undefined;

  constructor(code: VigilErrorCode, message: string, field?: string) {
    super(field ? `${message} (at ${field})` : message);
    this.name = 'VigilError';
    this.code = code;
    this.field = field;
  }
}

export const errors = {
  configInvalid: (field: string, message: string) => new VigilError('CONFIG_INVALID', message, field),
  configNotFound: (path: string) =>
    new VigilError('CONFIG_NOT_FOUND', `pipeline file ${path} does not exist; see pipelines/ for examples`),
  inputNotFound: (path: string) => new VigilError('INPUT_NOT_FOUND', `input file ${path} does not exist`),
  formatUnknown: (name: string, known: readonly string[]) =>
    new VigilError('FORMAT_UNKNOWN', `unknown input format "${name}"; known formats: ${known.join(', ')}`),
  detectorUnknown: (name: string, known: readonly string[]) =>
    new VigilError('DETECTOR_UNKNOWN', `unknown detector "${name}"; known detectors: ${known.join(', ')}`),
  stateCorrupt: (what: string) => new VigilError('STATE_CORRUPT', `state snapshot is corrupt: ${what}`),
  stateVersion: (found: unknown, expected: number) =>
    new VigilError(
      'STATE_VERSION',
      `state snapshot has format version ${String(found)}, this Vigil reads ${expected}`,
    ),
  usage: (message: string) => new VigilError('USAGE', message),
};
