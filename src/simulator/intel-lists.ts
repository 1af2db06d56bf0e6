/**
 * The threat-intel lists the simulated world implies, for replays and demos
 * that exercise the intel detector and policy: the Tor exit relays attackers
 * sign in through (a plain list, like the Tor Project's bulk exit list), the
 * hosting networks attackers rent (a FireHOL-style netset), and the company's
 * own VPN egress (a CSV with a category column).
 *
 * Everything here is fixed by the world's constants (src/simulator/geography.ts,
 * network.ts), not by the seed, so the lists fit every simulation. Must never
 * consume a simulation's random streams: it would change the traffic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORATE_VPN, HOSTING_NETWORKS, type HostingNetwork } from './geography.js';
import { addressIn, hostingPlace, type Place } from './network.js';
import { Random } from './random.js';

/** Relays per hosting network that run a Tor exit (a handful, like real exit operators). */
const EXITS_PER_NETWORK = 3;

/** The /18 a hosting network's addresses come from (network.ts gives each ASN one). */
export function hostingRange(network: HostingNetwork): string {
  const sample = addressIn(new Random(1), network.asn).split('.').map(Number);
  const third = sample[2] & 0xc0;
  return `${sample[0]}.${sample[1]}.${third}.0/18`;
}

/**
 * The Tor exit addresses of the simulated world: a few fixed hosts (.201 and
 * up) in the top /24 of each hosting network's /18, as exit operators rent
 * servers from hosting providers.
 */
export function torExitAddresses(): string[] {
  const exits: string[] = [];
  for (const network of HOSTING_NETWORKS) {
    const [a, b, third] = hostingRange(network).split('.').map(Number);
    for (let host = 0; host < EXITS_PER_NETWORK; host++) exits.push(`${a}.${b}.${third + 63}.${201 + host}`);
  }
  return exits;
}

/** A place (address, AS, geolocation) for a Tor exit, chosen by `rng` from the scenario's stream. */
export function torExitPlace(rng: Random): Place {
  const exits = torExitAddresses();
  const index = rng.int(0, exits.length - 1);
  const network = HOSTING_NETWORKS[Math.floor(index / EXITS_PER_NETWORK)];
  return { ...hostingPlace(rng, network), ip: exits[index] };
}

/** The corporate VPN egress range (the documentation block the concentrators sit in). */
export const CORPORATE_EGRESS_RANGE = '198.51.100.0/24';

export interface WrittenIntelLists {
  torExits: string;
  hosting: string;
  corporate: string;
  /** The pipeline `intel:` section that loads them. */
  config: {
    lists: { path: string; name: string; category?: string; format: 'plain' | 'csv' }[];
  };
}

/** Writes the three lists into `directory` (created if missing) and returns their paths and config. */
export function writeIntelLists(directory: string): WrittenIntelLists {
  mkdirSync(directory, { recursive: true });
  const torExits = join(directory, 'tor-exits.txt');
  const hosting = join(directory, 'hosting.netset');
  const corporate = join(directory, 'corporate-egress.csv');
  writeFileSync(
    torExits,
    ['# Tor exit relays of the simulated world (one address per line)', ...torExitAddresses(), ''].join('\n'),
  );
  writeFileSync(
    hosting,
    [
      '#',
      '# hosting.netset: cloud and VPS networks of the simulated world (FireHOL netset style)',
      '#',
      ...HOSTING_NETWORKS.map(hostingRange),
      '',
    ].join('\n'),
  );
  writeFileSync(
    corporate,
    [
      'network,category,note',
      `${CORPORATE_EGRESS_RANGE},corporate_egress,VPN concentrators AS${CORPORATE_VPN.asn} ${CORPORATE_VPN.city.name}`,
      '',
    ].join('\n'),
  );
  return {
    torExits,
    hosting,
    corporate,
    config: {
      lists: [
        { path: torExits, name: 'tor-exits', category: 'anonymiser', format: 'plain' },
        { path: hosting, name: 'hosting', category: 'hosting', format: 'plain' },
        { path: corporate, name: 'corporate-egress', format: 'csv' },
      ],
    },
  };
}
