/**
 * The fixed cast of a simulation, created once from the seed: users, service
 * accounts, the service graph and the corporate VPN egress. Created from its
 * own random stream so that traffic and attack choices never shift it.
 */
import { corporateVpnPlaces, type Place } from './network.js';
import type { ResolvedOptions } from './options.js';
import { createServiceAccounts, createUsers, type ServiceAccount, type User } from './population.js';
import { Random, streamSeed } from './random.js';
import { createServiceGraph, type ServiceGraph } from './service-graph.js';

export interface World {
  users: User[];
  serviceAccounts: ServiceAccount[];
  graph: ServiceGraph;
  vpnPlaces: Place[];
  /** Home-zone UTC offset of every human user. */
  utcOffsets: Map<string, number>;
  /** Leavers: users whose activity stops at `retireAt` (targets of the dormant-account scenario). */
  retiredUsers: ReadonlySet<string>;
  retireAt: number;
  /** Users who administer accounts (ordinary group changes, password resets). */
  admins: User[];
}

/** Every RETIRED_EVERY-th user stops working RETIRE_AFTER_DAYS into the simulation. */
const RETIRED_EVERY = 12;
const RETIRE_AFTER_DAYS = 3;
const ADMIN_COUNT = 2;

/** Share of auth events that belongs to service accounts. */
export const SERVICE_ACCOUNT_AUTH_SHARE = 0.08;
/** Share of all events that are auth events (the rest are service calls). */
export const AUTH_SHARE = 0.5;

export function createWorld(options: ResolvedOptions): World {
  const rng = new Random(streamSeed(options.seed, 'world'));
  const users = createUsers(rng, options.users);
  const accountCount = Math.max(3, Math.round(options.users / 60));
  const accountBudget = (options.eventsPerDay * AUTH_SHARE * SERVICE_ACCOUNT_AUTH_SHARE) / accountCount;
  const serviceAccounts = createServiceAccounts(rng, accountCount, accountBudget);
  const graph = createServiceGraph(rng, options.workloads);
  const vpnPlaces = corporateVpnPlaces(rng);
  const utcOffsets = new Map(users.map((user) => [user.identity, user.utcOffsetMs]));
  // Chosen by position, not by the random stream, so the rest of the world stays as it was.
  const retired = users.filter((_, i) => i % RETIRED_EVERY === RETIRED_EVERY - 1);
  const retiredUsers = new Set(retired.map((user) => user.identity));
  const admins = users.filter((user) => !retiredUsers.has(user.identity)).slice(0, ADMIN_COUNT);
  const retireAt = options.startTime + RETIRE_AFTER_DAYS * 86_400_000;
  return { users, serviceAccounts, graph, vpnPlaces, utcOffsets, retiredUsers, retireAt, admins };
}
