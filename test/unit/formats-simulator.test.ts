/**
 * The simulator's vendor renderings (src/simulator/*-encode.ts) are the
 * inverses of the mappers: every simulated event, rendered in a vendor format
 * and read back with `auto`, keeps what the detectors use (kind, time,
 * identity, action or change, outcome, address, session), and its label
 * names the id Vigil reads back.
 */
import { describe, expect, it } from 'vitest';
import { decodeMapped } from '../../src/events/decode.js';
import { inputFormat } from '../../src/events/formats/index.js';
import type { VigilEvent } from '../../src/events/schema.js';
import { simulate } from '../../src/simulator/index.js';
import { VENDOR_FORMATS, vendorEncoder } from '../../src/simulator/vendor-encode.js';
import { NOW } from '../support/fixtures.js';

const events = [...simulate({ seed: 11, events: 3_000 })].map((item) => item.event);
const auto = inputFormat('auto');

/** What must survive any rendering. */
function essentials(event: VigilEvent) {
  const common = { kind: event.kind, time: event.time, identity: event.identity };
  if (event.kind === 'auth') {
    // Entra has one (non-interactive) sign-in record for token use and refresh alike.
    const action = event.action === 'token_refresh' ? 'token_use' : event.action;
    return { ...common, action, outcome: event.outcome, src_ip: event.src_ip, session_id: event.session_id };
  }
  if (event.kind === 'account') return { ...common, change: event.change, actor: event.actor };
  return { ...common, destination: event.destination, route: event.route, status: event.status };
}

describe('simulator vendor renderings', () => {
  it('contains every kind of event', () => {
    expect(new Set(events.map((event) => event.kind))).toEqual(new Set(['auth', 'service', 'account']));
  });

  it.each(VENDOR_FORMATS)(
    'renders every event so that %s read back with auto keeps its essentials',
    (format) => {
      const encode = vendorEncoder(format, 11);
      for (const event of events) {
        const { record, id } = encode(event);
        const decoded = decodeMapped(JSON.parse(JSON.stringify(record)), auto, NOW);
        if (!decoded.ok) throw new Error(`${format}: ${decoded.code} ${decoded.field} ${decoded.message}`);
        expect(decoded.value.id).toBe(id);
        const expected = essentials(event);
        const actual = essentials(decoded.value);
        expect(actual).toEqual(expected);
      }
    },
  );

  it('is deterministic per seed, including the per-line choice of mixed', () => {
    const a = vendorEncoder('mixed', 5);
    const b = vendorEncoder('mixed', 5);
    const runA = events.slice(0, 200).map((event) => JSON.stringify(a(event)));
    const runB = events.slice(0, 200).map((event) => JSON.stringify(b(event)));
    expect(runA).toEqual(runB);
  });
});
