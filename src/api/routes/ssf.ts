/**
 * Shared Signals transmitter metadata (SSF 1.0 §7.1,
 * `/.well-known/ssf-configuration`) and the JWKS that verifies Vigil's SETs.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDependencies } from '../server.js';

export const PUSH_DELIVERY = 'urn:ietf:rfc:8935';
export const POLL_DELIVERY = 'urn:ietf:rfc:8936';

const TransmitterMetadata = Type.Object({
  spec_version: Type.String(),
  issuer: Type.String(),
  jwks_uri: Type.String(),
  delivery_methods_supported: Type.Array(Type.String()),
  default_subjects: Type.String(),
});

const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.String(),
      x: Type.String(),
      y: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});

export const ssfRoutes: FastifyPluginAsync<ApiDependencies> = async (app, deps) => {
  app.get(
    '/.well-known/ssf-configuration',
    { schema: { response: { 200: TransmitterMetadata } } },
    async (request) => {
      const base = `${request.protocol}://${request.host}`;
      const methods: string[] = [];
      if (deps.push) methods.push(PUSH_DELIVERY);
      if (deps.poll) methods.push(POLL_DELIVERY);
      return {
        spec_version: '1_0',
        issuer: deps.issuer,
        jwks_uri: `${base}/jwks.json`,
        delivery_methods_supported: methods,
        default_subjects: 'ALL',
      };
    },
  );

  app.get('/jwks.json', { schema: { response: { 200: Jwks } } }, async () => ({
    keys: [deps.key.publicJwk],
  }));
};
