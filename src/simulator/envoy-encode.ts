/**
 * Canonical service event → Envoy / Istio JSON access log entry (Istio's
 * default JSON keys; the inverse of src/events/formats/envoy.ts), for
 * `vigil simulate --format envoy`. Route templates become concrete paths
 * (`{id}` → a number drawn from the event id), as a sidecar would log them;
 * the caller's SPIFFE id is the peer certificate's URI SAN. Auth and account
 * events return undefined (the writer renders them in another format).
 */
import type { ServiceEvent, VigilEvent } from '../events/schema.js';

type Json = Record<string, unknown>;

function concretePath(event: ServiceEvent): string {
  const seed = Number.parseInt(event.id.replace(/[^0-9a-f]/gi, '').slice(0, 6) || '1', 16);
  let n = 0;
  return event.route.replace(/\{[^}]+\}/g, () => String(1000 + ((seed + 7919 * n++) % 900_000)));
}

function remoteAddress(event: ServiceEvent): string {
  if (!event.src_ip) return '-';
  const port = 40000 + (event.time % 20000);
  return event.src_ip.includes(':') ? `[${event.src_ip}]:${port}` : `${event.src_ip}:${port}`;
}

export function toEnvoy(event: VigilEvent): Json | undefined {
  if (event.kind !== 'service') return undefined;
  const record: Json = {
    start_time: new Date(event.time).toISOString(),
    method: event.method,
    path: concretePath(event),
    protocol: 'HTTP/1.1',
    response_code: String(event.status),
    response_flags: '-',
    bytes_received: String(event.bytes_in),
    bytes_sent: String(event.bytes_out),
    duration: String(Math.round(event.latency_ms)),
    x_forwarded_for: '-',
    user_agent: 'envoy',
    request_id: event.id,
    authority: `${event.destination}:8080`,
    upstream_cluster: `outbound|8080||${event.destination}`,
    downstream_remote_address: remoteAddress(event),
    downstream_peer_uri_san: event.identity,
  };
  if (event.end_user !== undefined) record.request_principal = event.end_user;
  return record;
}
