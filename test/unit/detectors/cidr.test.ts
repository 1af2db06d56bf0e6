import { describe, expect, it } from 'vitest';
import { CidrSet } from '../../../src/detectors/cidr.js';
import { VigilError } from '../../../src/errors.js';

describe('CIDR set', () => {
  const egress = CidrSet.parse(
    ['10.0.0.0/8', '192.0.2.17', '198.51.100.128/25', '2001:db8:abcd::/48', '::ffff:203.0.113.0/120'],
    'test',
  );

  it('matches IPv4 addresses inside a range, at its edges, and bare addresses as /32', () => {
    expect(egress.has('10.0.0.0')).toBe(true);
    expect(egress.has('10.255.255.255')).toBe(true);
    expect(egress.has('192.0.2.17')).toBe(true);
    expect(egress.has('198.51.100.128')).toBe(true);
    expect(egress.has('198.51.100.255')).toBe(true);
    expect(egress.has('11.0.0.1')).toBe(false);
    expect(egress.has('192.0.2.18')).toBe(false);
    expect(egress.has('198.51.100.127')).toBe(false);
  });

  it('matches IPv6 with :: compression, zone ids and IPv4-mapped forms', () => {
    expect(egress.has('2001:db8:abcd:12::1')).toBe(true);
    expect(egress.has('2001:0DB8:ABCD:0000:0000:0000:0000:0001')).toBe(true);
    expect(egress.has('2001:db8:abcd::7%eth0')).toBe(true);
    expect(egress.has('2001:db8:abce::1')).toBe(false);
    expect(egress.has('::ffff:10.1.2.3')).toBe(true); // mapped, against 10.0.0.0/8
    expect(egress.has('::ffff:203.0.113.9')).toBe(true); // against the IPv6-written range
    expect(egress.has('::1')).toBe(false);
  });

  it('treats /0 as everything of its family', () => {
    const all = CidrSet.parse(['0.0.0.0/0', '::/0'], 'test');
    expect(all.has('8.8.8.8')).toBe(true);
    expect(all.has('2a00:1450::1')).toBe(true);
  });

  it('never matches what is not an address', () => {
    for (const text of [
      '',
      'localhost',
      '10.0.0',
      '10.0.0.0.1',
      '10.0.0.256',
      '010.0.0.1',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      'fe80::g',
    ]) {
      expect(egress.has(text), text).toBe(false);
    }
    expect(CidrSet.parse([], 'test').has('10.0.0.1')).toBe(false);
  });

  it('rejects malformed ranges at parse time, naming the offending entry', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', 'example.com/8', '2001:db8::/129', '10.0.0.0/8/8']) {
      let error: unknown;
      try {
        CidrSet.parse(['192.0.2.0/24', bad], '/detectors/impossible_travel/trusted_cidrs');
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(VigilError);
      expect(error).toMatchObject({
        code: 'CONFIG_INVALID',
        field: '/detectors/impossible_travel/trusted_cidrs/1',
      });
    }
  });
});
