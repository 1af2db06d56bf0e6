/**
 * End-user devices: a posture record (id, management, compliance, OS) and the
 * browser user agent that device sends. Attack scenarios draw their devices
 * from the same platforms as everyone else, so nothing in a device or user
 * agent reveals who is using it.
 */
import type { DevicePosture } from '../events/schema.js';
import type { Random } from './random.js';

export interface Device {
  posture: DevicePosture;
  userAgent: string;
}

interface Platform {
  os: string;
  weight: number;
  trustType: string;
  userAgent(rng: Random): string;
}

const chrome = (rng: Random): string => `${rng.int(122, 126)}.0.0.0`;

const PLATFORMS: readonly Platform[] = [
  {
    os: 'Windows 11',
    weight: 40,
    trustType: 'AzureAD',
    userAgent: (rng) =>
      rng.chance(0.75)
        ? `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(rng)} Safari/537.36`
        : `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(rng)} Safari/537.36 Edg/${rng.int(122, 126)}.0.0.0`,
  },
  {
    os: 'macOS 14',
    weight: 30,
    trustType: 'Registered',
    userAgent: (rng) =>
      rng.chance(0.5)
        ? `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${rng.int(2, 5)} Safari/605.1.15`
        : `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(rng)} Safari/537.36`,
  },
  {
    os: 'iOS 17',
    weight: 14,
    trustType: 'Registered',
    userAgent: (rng) =>
      `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${rng.int(2, 5)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${rng.int(2, 5)} Mobile/15E148 Safari/604.1`,
  },
  {
    os: 'Android 14',
    weight: 10,
    trustType: 'Registered',
    userAgent: (rng) =>
      `Mozilla/5.0 (Linux; Android 14; Pixel ${rng.int(6, 8)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome(rng)} Mobile Safari/537.36`,
  },
  {
    os: 'Ubuntu 22.04',
    weight: 6,
    trustType: 'Registered',
    userAgent: (rng) =>
      `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${rng.int(122, 125)}.0) Gecko/20100101 Firefox/${rng.int(122, 125)}.0`,
  },
];

const PLATFORM_WEIGHTS = PLATFORMS.reduce<number[]>((acc, p) => {
  acc.push((acc.at(-1) ?? 0) + p.weight);
  return acc;
}, []);

/** A GUID-shaped device id. */
export function deviceId(rng: Random): string {
  const hex = rng.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A device as the identity provider sees it; `managed` defaults to the usual corporate share. */
export function newDevice(rng: Random, managed: boolean = rng.chance(0.9)): Device {
  const platform = PLATFORMS[rng.pickCumulative(PLATFORM_WEIGHTS)]!;
  const posture: DevicePosture = {
    id: deviceId(rng),
    managed,
    compliant: managed ? rng.chance(0.95) : false,
    trust_type: managed ? platform.trustType : 'Unregistered',
    os: platform.os,
  };
  if (managed) posture.edr = 'active';
  return { posture, userAgent: platform.userAgent(rng) };
}
