/**
 * Envoy / Istio JSON access logs (`--format envoy`): one request through a
 * sidecar or gateway becomes one service event. Reads Istio's default JSON
 * access-log keys (start_time, method, path, response_code, bytes_received,
 * bytes_sent, duration, upstream_cluster, authority, request_id,
 * downstream_remote_address) plus the caller's workload identity from the
 * peer certificate (`downstream_peer_uri_san` = %DOWNSTREAM_PEER_URI_SAN%,
 * `source_principal`, or the URI in `x_forwarded_client_cert`). Envoy writes
 * `-` for empty values and numbers as strings; both are handled. Concrete
 * paths are turned into route templates (numeric, UUID and long hex segments
 * become `{id}`) so a baseline learns routes, not object ids. Never throws.
 */
import { reject } from '../validate.js';
import type { InputFormat } from './types.js';
import {
  asNumber,
  asObject,
  asText,
  compact,
  contentId,
  type Json,
  normaliseIp,
  parseTime,
} from './vendor-fields.js';

const ID_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

/** `/v1/users/42?x=1` → `/v1/users/{id}`. */
export function routeTemplate(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] || '/';
  return bare
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment))
    .join('/')
    .slice(0, 512);
}

/** Istio cluster names `outbound|8080||payments.shop.svc.cluster.local` → `payments.shop.svc.cluster.local`. */
function clusterHost(cluster: string | undefined): string | undefined {
  if (!cluster) return undefined;
  const parts = cluster.split('|');
  return parts.length === 4 ? parts[3] || undefined : cluster;
}

const withoutPort = (authority: string | undefined): string | undefined =>
  authority?.replace(/:\d+$/, '') || undefined;

function callerIdentity(record: Json): { identity: string | undefined; verified: boolean } {
  const san =
    asText(record.downstream_peer_uri_san) ??
    asText(record.source_principal) ??
    asText(record.downstream_peer_principal) ??
    /URI=([^;,]+)/.exec(asText(record.x_forwarded_client_cert) ?? '')?.[1];
  if (san) return { identity: san, verified: true };
  const address = normaliseIp(record.downstream_remote_address);
  return { identity: address ? `ip:${address}` : undefined, verified: false };
}

/** True when a parsed record looks like an Envoy / Istio access log entry (used by `auto`). */
export function isEnvoyRecord(record: Json): boolean {
  return (
    'response_code' in record &&
    ('upstream_cluster' in record ||
      'authority' in record ||
      'request_id' in record ||
      'start_time' in record)
  );
}

export const envoyFormat: InputFormat = {
  name: 'envoy',
  map(record) {
    const object = asObject(record);
    if (!object) return reject('schema', '/', 'Envoy access log entry must be a JSON object');
    const status = asNumber(object.response_code);
    if (status === 0) {
      return reject(
        'schema',
        '/response_code',
        'response_code 0: no response was sent (connection reset or timeout)',
      );
    }
    const path = asText(object.path);
    const { identity, verified } = callerIdentity(object);
    const time = parseTime(object.start_time) ?? parseTime(object.timestamp);
    return {
      ok: true,
      value: compact({
        kind: 'service',
        id: asText(object.request_id) ?? asText(object.x_request_id) ?? contentId('envoy', object),
        time: time ?? object.start_time,
        identity,
        identity_type: 'workload',
        destination: withoutPort(asText(object.authority)) ?? clusterHost(asText(object.upstream_cluster)),
        method: asText(object.method)?.toUpperCase(),
        route: path ? routeTemplate(path) : undefined,
        status,
        bytes_in: asNumber(object.bytes_received) ?? 0,
        bytes_out: asNumber(object.bytes_sent) ?? 0,
        latency_ms: asNumber(object.duration) ?? 0,
        mtls_verified: verified,
        end_user: asText(object.end_user) ?? asText(object.request_principal),
        src_ip: normaliseIp(object.downstream_remote_address),
      }),
    };
  },
};
