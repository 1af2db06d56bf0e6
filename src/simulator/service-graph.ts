/**
 * The east-west service graph: workloads (SPIFFE identities), the services
 * they expose, and a fixed set of caller → destination edges, each with its
 * routes and its typical payload size and latency. Backend services are
 * destinations only (stores, queues, external APIs behind egress proxies).
 * Normal routes never contain administrative or debugging paths.
 */
import { cumulative, type Random } from './random.js';

export interface ServiceRoute {
  method: string;
  route: string;
}

export interface Service {
  /** DNS-style service name used as `destination`, e.g. `payments.shop.svc`. */
  name: string;
  routes: ServiceRoute[];
}

export interface Edge {
  destination: Service;
  routes: ServiceRoute[];
  routeWeights: number[];
  /** Median request size the caller sends on this edge, bytes. */
  bytesOutMedian: number;
  bytesInMedian: number;
  latencyMedianMs: number;
}

export interface Workload {
  identity: string;
  service: Service;
  srcIp: string;
  edges: Edge[];
  edgeWeights: number[];
  /** Share of all service traffic this workload originates (shares sum to 1). */
  trafficShare: number;
  /** Whether requests usually carry the signed-in end user. */
  userFacing: boolean;
}

export interface ServiceGraph {
  workloads: Workload[];
  /** Every callable service: the workloads' own and the backends. */
  services: Service[];
}

interface ServiceSpec {
  namespace: string;
  name: string;
  resources: readonly string[];
}

const spec = (namespace: string, name: string, ...resources: string[]): ServiceSpec => ({
  namespace,
  name,
  resources,
});

const WORKLOAD_SPECS: readonly ServiceSpec[] = [
  spec('shop', 'frontend', 'pages', 'sessions'),
  spec('shop', 'checkout', 'orders', 'carts'),
  spec('shop', 'cart', 'carts', 'items'),
  spec('shop', 'catalog', 'products', 'categories'),
  spec('shop', 'search', 'queries', 'suggestions'),
  spec('shop', 'recommendations', 'recommendations', 'signals'),
  spec('shop', 'reviews', 'reviews', 'ratings'),
  spec('shop', 'pricing', 'prices', 'promotions'),
  spec('shop', 'inventory', 'stock', 'reservations'),
  spec('shop', 'shipping', 'shipments', 'quotes'),
  spec('payments', 'payments', 'payments', 'methods'),
  spec('payments', 'fraud', 'assessments', 'rules'),
  spec('payments', 'ledger', 'entries', 'balances'),
  spec('payments', 'billing', 'invoices', 'subscriptions'),
  spec('payments', 'refunds', 'refunds', 'disputes'),
  spec('identity', 'accounts', 'accounts', 'preferences'),
  spec('identity', 'profile', 'profiles', 'avatars'),
  spec('identity', 'notifications', 'notifications', 'templates'),
  spec('identity', 'consent', 'consents', 'policies'),
  spec('platform', 'api-gateway', 'routes', 'clients'),
  spec('platform', 'mobile-bff', 'screens', 'feeds'),
  spec('platform', 'config', 'settings', 'flags'),
  spec('platform', 'scheduler', 'jobs', 'runs'),
  spec('platform', 'mailer', 'messages', 'bounces'),
  spec('platform', 'media', 'images', 'uploads'),
  spec('platform', 'currency', 'rates', 'conversions'),
  spec('data', 'reporting', 'reports', 'datasets'),
  spec('data', 'analytics', 'events', 'metrics'),
  spec('data', 'ingest', 'batches', 'records'),
  spec('data', 'warehouse-sync', 'tables', 'syncs'),
];

const BACKEND_SPECS: readonly ServiceSpec[] = [
  spec('data', 'orders-store', 'orders', 'lines'),
  spec('data', 'users-store', 'users', 'addresses'),
  spec('data', 'ledger-store', 'journals', 'postings'),
  spec('cache', 'redis', 'keys', 'locks'),
  spec('cache', 'session-cache', 'entries', 'leases'),
  spec('streaming', 'kafka-rest', 'topics', 'records'),
  spec('search', 'elasticsearch', 'indexes', 'documents'),
  spec('storage', 'object-store', 'buckets', 'objects'),
  spec('platform', 'smtp-relay', 'messages', 'queues'),
  spec('platform', 'geo', 'lookups', 'regions'),
  spec('external', 'stripe-proxy', 'charges', 'customers'),
  spec('external', 'maps-api', 'routes', 'geocodes'),
  spec('external', 'sms-gateway', 'messages', 'numbers'),
  spec('external', 'tax-api', 'rates', 'calculations'),
  spec('external', 'fx-rates', 'rates', 'symbols'),
  spec('external', 'kyc-api', 'checks', 'documents'),
  spec('analytics', 'clickhouse-http', 'queries', 'inserts'),
  spec('messaging', 'rabbitmq-http', 'exchanges', 'queues'),
  spec('media', 'cdn-origin', 'assets', 'variants'),
  spec('observability', 'tracing-collector', 'spans', 'traces'),
];

const USER_FACING = new Set([
  'frontend',
  'checkout',
  'cart',
  'accounts',
  'profile',
  'api-gateway',
  'mobile-bff',
  'reviews',
]);
const SUB_RESOURCES = ['history', 'status', 'items', 'summary', 'versions'];

function routesFor(rng: Random, resources: readonly string[]): ServiceRoute[] {
  const routes: ServiceRoute[] = [];
  for (const resource of resources) {
    const base = `/v1/${resource}`;
    routes.push(
      { method: 'GET', route: base },
      { method: 'GET', route: `${base}/{id}` },
      { method: 'POST', route: base },
    );
    if (rng.chance(0.6)) routes.push({ method: 'PUT', route: `${base}/{id}` });
    if (rng.chance(0.3)) routes.push({ method: 'DELETE', route: `${base}/{id}` });
    if (rng.chance(0.5)) routes.push({ method: 'GET', route: `${base}/{id}/${rng.pick(SUB_RESOURCES)}` });
  }
  return routes;
}

/** Spec for the n-th instance of a name list, adding a namespace suffix once the list is exhausted. */
function nthSpec(specs: readonly ServiceSpec[], n: number): ServiceSpec {
  const base = specs[n % specs.length]!;
  const round = Math.floor(n / specs.length);
  return round === 0 ? base : { ...base, namespace: `${base.namespace}-${round + 1}` };
}

function newEdge(rng: Random, destination: Service): Edge {
  const routes = rng.sample(destination.routes, rng.int(1, Math.min(4, destination.routes.length)));
  return {
    destination,
    routes,
    routeWeights: cumulative(routes.map((_, i) => rng.between(0.3, 1) / (i + 1))),
    bytesOutMedian: Math.round(rng.logNormal(600, 0.6)),
    bytesInMedian: Math.round(rng.logNormal(4000, 1)),
    latencyMedianMs: rng.logNormal(18, 0.6),
  };
}

export function createServiceGraph(rng: Random, workloadCount: number): ServiceGraph {
  const backendCount = Math.max(20, Math.round(workloadCount / 2));
  const namespaces: string[] = [];
  const workloads: Workload[] = [];
  const shares: number[] = [];
  for (let i = 0; i < workloadCount; i++) {
    const { namespace, name, resources } = nthSpec(WORKLOAD_SPECS, i);
    if (!namespaces.includes(namespace)) namespaces.push(namespace);
    const service: Service = { name: `${name}.${namespace}.svc`, routes: routesFor(rng, resources) };
    workloads.push({
      identity: `spiffe://example.com/ns/${namespace}/sa/${name}`,
      service,
      srcIp: `10.${20 + (namespaces.indexOf(namespace) % 200)}.${Math.floor(i / 250) % 256}.${(i % 250) + 2}`,
      edges: [],
      edgeWeights: [],
      trafficShare: 0,
      userFacing: USER_FACING.has(name),
    });
    shares.push(rng.logNormal(1, 0.6));
  }
  const backends: Service[] = Array.from({ length: backendCount }, (_, i) => {
    const { namespace, name, resources } = nthSpec(BACKEND_SPECS, i);
    return { name: `${name}.${namespace}.svc`, routes: routesFor(rng, resources) };
  });
  const services = [...workloads.map((w) => w.service), ...backends];
  const totalShare = shares.reduce((a, b) => a + b, 0);
  workloads.forEach((workload, i) => {
    workload.trafficShare = shares[i]! / totalShare;
    const candidates = services.filter((service) => service !== workload.service);
    const destinations = rng.sample(candidates, rng.int(2, Math.min(6, candidates.length)));
    workload.edges = destinations.map((destination) => newEdge(rng, destination));
    workload.edgeWeights = cumulative(workload.edges.map((_, k) => rng.between(0.2, 1) / Math.sqrt(k + 1)));
  });
  return { workloads, services };
}
