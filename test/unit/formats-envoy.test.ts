import { describe, expect, it } from 'vitest';
import { routeTemplate } from '../../src/events/formats/envoy.js';
import { decodeOne, fixtures, rejectionOf } from '../support/fixtures.js';

const envoy = fixtures('envoy');

describe('Envoy / Istio access logs', () => {
  it('maps an Istio inbound request field by field (numbers as strings, SPIFFE id from the peer certificate)', () => {
    expect(decodeOne('envoy', envoy.istioInbound)).toEqual({
      kind: 'service',
      id: '3f1c2b4a-9d8e-4f7a-b6c5-0a1b2c3d4e5f',
      time: Date.UTC(2026, 0, 5, 9, 0, 0, 250),
      identity: 'spiffe://cluster.local/ns/shop/sa/checkout',
      identity_type: 'workload',
      destination: 'users.shop.svc',
      method: 'GET',
      route: '/v1/users/{id}',
      status: 200,
      bytes_in: 0,
      bytes_out: 1834,
      latency_ms: 12,
      mtls_verified: true,
      src_ip: '10.244.2.9',
    });
  });

  it('without a peer certificate, names the caller by address and says mTLS was not verified', () => {
    const event = decodeOne('envoy', envoy.noPeerCertificate);
    expect(event).toMatchObject({
      identity: 'ip:10.244.3.4',
      mtls_verified: false,
      destination: 'orders.shop.svc.cluster.local',
      method: 'POST',
      route: '/v1/orders/{id}/items',
      status: 403,
    });
    expect(event.id).toMatch(/^envoy:[0-9a-f]{32}$/);
  });

  it('dead-letters a request that got no response (response_code 0)', () => {
    expect(rejectionOf('envoy', envoy.noResponse)).toMatchObject({ field: '/response_code' });
  });

  it('turns object ids into route template placeholders and keeps words', () => {
    expect(routeTemplate('/v1/items/42')).toBe('/v1/items/{id}');
    expect(routeTemplate('/v1/items/search?q=1')).toBe('/v1/items/search');
    expect(routeTemplate('/blobs/0123456789abcdef0123')).toBe('/blobs/{id}');
  });
});
