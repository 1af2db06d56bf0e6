import { describe, expect, it } from 'vitest';
import { recogniseFormat } from '../../src/events/formats/auto.js';
import { toOcsf } from '../../src/simulator/ocsf-encode.js';
import { authEvent, serviceEvent } from '../support/events.js';
import { fixtures } from '../support/fixtures.js';
import { runLines } from '../support/format-runs.js';

const okta = fixtures('okta');
const entra = fixtures('entra');
const windows = fixtures('windows');
const envoy = fixtures('envoy');

describe('--format auto', () => {
  it('recognises each format by the shape of the record', () => {
    const cases: Array<[unknown, string | undefined]> = [
      [authEvent(), 'canonical'],
      [toOcsf(serviceEvent()), 'ocsf'],
      [okta.sessionStartFailure, 'okta'],
      [entra.graphSignInFailure, 'entra'],
      [entra.graphAuditRole, 'entra'],
      [entra.monitorExport, 'entra'],
      [windows.winlogbeat4625, 'windows'],
      [windows.nxlog4768, 'windows'],
      [windows.evtx4720, 'windows'],
      [windows.evtxFlattened4776, 'windows'],
      [envoy.istioInbound, 'envoy'],
      [{ hello: 'world' }, undefined],
      [[1, 2], undefined],
    ];
    for (const [record, expected] of cases) expect(recogniseFormat(record)?.name).toBe(expected);
  });

  it('routes every line of a mixed file to its mapper, and dead-letters unrecognised lines with a reason', async () => {
    const lines = [
      JSON.stringify(authEvent({ id: 'canonical-1' })),
      JSON.stringify(toOcsf(serviceEvent({ id: 'ocsf-1' }))),
      JSON.stringify(okta.mfaPush),
      JSON.stringify(entra.graphSignInFailure),
      JSON.stringify(entra.monitorExport),
      JSON.stringify(windows.nxlog4728),
      JSON.stringify(windows.evtx4720),
      JSON.stringify(envoy.istioInbound),
      '{"message":"a syslog line that strayed in"}',
      'not json at all',
    ];
    const { sink } = await runLines('auto', lines);
    const ids = sink.scores.map((score) => score.event_id);
    expect(ids).toEqual([
      'canonical-1',
      'ocsf-1',
      '3c0d9e1f-7f1a-11f0-9c1a-1f6e2c3d4b5a',
      '66ea54eb-6301-4ee5-be62-ff5a759b8100',
      '99aa11bb-0000-4000-8000-000000000001',
      'Directory_cred_1',
      'win:dc01.corp.example.com:55502',
      'win:dc01.corp.example.com:7001',
      '3f1c2b4a-9d8e-4f7a-b6c5-0a1b2c3d4e5f',
    ]);
    expect(sink.scores.map((score) => score.kind)).toEqual([
      'auth',
      'service',
      'auth',
      'auth',
      'auth',
      'account',
      'account',
      'account',
      'service',
    ]);
    expect(sink.deadLetters.map((letter) => letter.reason)).toEqual([
      'unsupported_event_type',
      'unrecognised_format',
      'not_json',
    ]);
  });
});
