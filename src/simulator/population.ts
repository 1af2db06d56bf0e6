/**
 * The people and non-human accounts of the simulated company: each user's
 * home, working hours, devices, applications and habits, and each service
 * account's job schedule. Profiles are fixed at creation; what changes during
 * the simulation (where a user is today, trips) lives in `UserWhereabouts`.
 */
import { APPLICATIONS } from './applications.js';
import { type Device, newDevice } from './devices.js';
import { type City, DATACENTERS, HOME_CITIES } from './geography.js';
import { datacenterPlace, type Place, residentialPlace } from './network.js';
import { cumulative, type Random } from './random.js';

const FIRST_NAMES = [
  'anna',
  'ben',
  'carla',
  'david',
  'elena',
  'felix',
  'grace',
  'hugo',
  'irene',
  'jonas',
  'kate',
  'liam',
  'maria',
  'noah',
  'olga',
  'pablo',
  'quinn',
  'rosa',
  'sam',
  'tara',
  'umar',
  'vera',
  'will',
  'xena',
  'yusuf',
  'zoe',
  'aiko',
  'bruno',
  'chloe',
  'dmitri',
  'emma',
  'farah',
  'george',
  'hana',
  'ivan',
  'julia',
  'kenji',
  'lena',
  'marco',
  'nina',
  'oscar',
  'priya',
  'rahul',
  'sofia',
  'tomas',
  'uma',
  'victor',
  'wei',
  'yara',
  'zain',
];
const LAST_NAMES = [
  'smith',
  'mueller',
  'garcia',
  'rossi',
  'dubois',
  'kowalski',
  'jansen',
  'silva',
  'tanaka',
  'kim',
  'nguyen',
  'patel',
  'johnson',
  'brown',
  'schmidt',
  'martin',
  'lopez',
  'novak',
  'berg',
  'larsen',
  'murphy',
  'costa',
  'fischer',
  'weber',
  'moreau',
  'romano',
  'sato',
  'park',
  'singh',
  'sharma',
  'wilson',
  'taylor',
  'anderson',
  'thomas',
  'moore',
  'walker',
  'young',
  'king',
  'wright',
  'scott',
  'hall',
  'green',
  'baker',
  'adams',
  'nelson',
  'hill',
  'campbell',
  'mitchell',
  'roberts',
  'evans',
];

export type MfaFactor = 'push' | 'totp' | 'webauthn';

export interface Trip {
  place: Place;
  /** Local day index (days since epoch in the user's time zone) the user flies out; no activity that day. */
  departDay: number;
  /** Local day index the user flies back; no activity that day. */
  returnDay: number;
}

export interface UserWhereabouts {
  /** Where the user was last active, and when (end of the last planned session). */
  lastPlace: Place;
  lastActiveAt: number;
  trip: Trip | undefined;
}

export interface User {
  identity: string;
  homeCity: City;
  home: Place;
  utcOffsetMs: number;
  /** Usual working hours, minutes after local midnight. */
  workStartMinute: number;
  workEndMinute: number;
  devices: Device[];
  deviceWeights: number[];
  applications: string[];
  applicationWeights: number[];
  mfaFactor: MfaFactor;
  /** Multiplier of the company-wide session rate (some people sign in more). */
  activityScale: number;
  usesVpn: boolean;
  travels: boolean;
  whereabouts: UserWhereabouts;
}

export interface ServiceAccount {
  identity: string;
  place: Place;
  application: string;
  userAgent: string;
  periodMs: number;
  /** Offset of the job within its period. */
  phaseMs: number;
}

const HOME_WEIGHTS = cumulative(HOME_CITIES.map((city) => city.homeWeight));
const APP_WEIGHTS = APPLICATIONS.map((app) => app.popularity);

function uniqueName(rng: Random, taken: Set<string>): string {
  const base = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return `${name}@example.com`;
}

/** Applications drawn by popularity without replacement. */
function pickApplications(rng: Random, count: number): string[] {
  const weights = APP_WEIGHTS.slice();
  const chosen: string[] = [];
  while (chosen.length < count) {
    const index = rng.pickCumulative(cumulative(weights));
    chosen.push(APPLICATIONS[index]!.name);
    weights[index] = 0;
  }
  return chosen;
}

function newUser(rng: Random, taken: Set<string>): User {
  const homeCity = HOME_CITIES[rng.pickCumulative(HOME_WEIGHTS)]!;
  const home = residentialPlace(rng, homeCity);
  const workStartMinute = Math.round(Math.min(600, Math.max(420, rng.logNormal(510, 0.08))));
  const devices = [newDevice(rng, true)];
  if (rng.chance(0.55)) devices.push(newDevice(rng));
  const applications = pickApplications(rng, rng.int(3, 8));
  return {
    identity: uniqueName(rng, taken),
    homeCity,
    home,
    utcOffsetMs: homeCity.utcOffsetMinutes * 60_000,
    workStartMinute,
    workEndMinute: workStartMinute + rng.int(480, 600),
    devices,
    deviceWeights: cumulative(devices.map((_, i) => (i === 0 ? 3 : 1))),
    applications,
    applicationWeights: cumulative(applications.map((_, i) => 1 / (i + 1))),
    mfaFactor: rng.chance(0.65) ? 'push' : rng.chance(0.75) ? 'totp' : 'webauthn',
    activityScale: rng.logNormal(1, 0.35) / 1.063,
    usesVpn: rng.chance(0.12),
    travels: rng.chance(0.08),
    whereabouts: { lastPlace: home, lastActiveAt: 0, trip: undefined },
  };
}

export function createUsers(rng: Random, count: number): User[] {
  const taken = new Set<string>();
  return Array.from({ length: count }, () => newUser(rng, taken));
}

const SERVICE_JOBS: readonly { name: string; application: string; userAgent: string }[] = [
  { name: 'svc-backup', application: 'backup-api', userAgent: 'restic/0.16.4' },
  { name: 'svc-ci', application: 'github', userAgent: 'GitHubActionsRunner/2.316.1' },
  { name: 'svc-reporting', application: 'reporting-api', userAgent: 'python-requests/2.31.0' },
  { name: 'svc-monitoring', application: 'datadog', userAgent: 'datadog-agent/7.52.0' },
  { name: 'svc-deploy', application: 'aws-console', userAgent: 'terraform/1.7.5' },
  { name: 'svc-sync', application: 'workday', userAgent: 'okhttp/4.12.0' },
  { name: 'svc-etl', application: 'salesforce', userAgent: 'Apache-HttpClient/4.5.14 (Java/17.0.10)' },
];

const PERIODS_HOURS = [0.5, 1, 2, 4, 6, 12, 24];

/**
 * Service accounts run jobs on a fixed period from one datacenter address.
 * `eventsPerDay` is the budget each account may use; the period is the
 * shortest that keeps a job's ~3 events within it.
 */
export function createServiceAccounts(rng: Random, count: number, eventsPerDay: number): ServiceAccount[] {
  const minPeriodHours = (24 * 3) / Math.max(eventsPerDay, 1e-9);
  const periods = PERIODS_HOURS.filter((hours) => hours >= minPeriodHours);
  return Array.from({ length: count }, (_, i) => {
    const job = SERVICE_JOBS[i % SERVICE_JOBS.length]!;
    const round = Math.floor(i / SERVICE_JOBS.length);
    const periodHours = periods.length > 0 ? periods[Math.min(periods.length - 1, rng.int(0, 1))]! : 24;
    const periodMs = periodHours * 3_600_000;
    return {
      identity: `${job.name}${round > 0 ? `-${round + 1}` : ''}@example.com`,
      place: datacenterPlace(rng, rng.pick(DATACENTERS), 10 + i),
      application: job.application,
      userAgent: job.userAgent,
      periodMs,
      phaseMs: Math.floor(rng.float() * Math.min(periodMs, 3_600_000)),
    };
  });
}

/** Departments of the simulated company, with the titles of their staff (most junior first). */
export const DEPARTMENTS: readonly { name: string; titles: readonly string[] }[] = [
  { name: 'engineering', titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer'] },
  { name: 'sales', titles: ['Account Executive', 'Senior Account Executive', 'Sales Engineer'] },
  { name: 'finance', titles: ['Accountant', 'Financial Analyst', 'Controller'] },
  { name: 'people', titles: ['HR Generalist', 'Recruiter', 'HR Business Partner'] },
  { name: 'support', titles: ['Support Specialist', 'Senior Support Specialist', 'Support Lead'] },
  { name: 'marketing', titles: ['Marketing Specialist', 'Content Manager', 'Growth Manager'] },
];

export interface DirectoryAttributes {
  identity: string;
  department: string;
  title: string;
  /** The department head; heads report to the first user (who reports to no one). */
  manager: string | undefined;
}

/**
 * The simulated identity directory: department, title and manager of every
 * user. Assigned by position (user i joins department i mod 6, the first of
 * each department heads it), never from a random stream, so adding it left
 * every existing simulation unchanged.
 */
export function directoryOf(users: readonly User[]): DirectoryAttributes[] {
  const heads = DEPARTMENTS.map((_, d) => users[d]?.identity);
  return users.map((user, i) => {
    const d = i % DEPARTMENTS.length;
    const department = DEPARTMENTS[d]!;
    const rank = Math.floor(i / DEPARTMENTS.length);
    const isHead = rank === 0;
    return {
      identity: user.identity,
      department: department.name,
      title: isHead ? `Head of ${department.name}` : department.titles[rank % department.titles.length]!,
      manager: isHead ? (i === 0 ? undefined : users[0]!.identity) : heads[d],
    };
  });
}
