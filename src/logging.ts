/**
 * Structured logging (pino) to standard error, so standard output stays for
 * summaries and machine-readable results. Level from the CLI's --log-level.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { service: 'vigil' } }, pino.destination(2));
}
