/**
 * Pipeline schema of the privacy settings (`privacy:`): pseudonymisation of
 * identities in stored rows (off by default; the key comes from
 * VIGIL_PSEUDONYM_KEY, never from the file) and the API roles that may see
 * real identities instead of pseudonyms.
 */
import { type Static, Type } from '@sinclair/typebox';

const RoleName = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('analyst'),
  Type.Literal('admin'),
  Type.Literal('auditor'),
]);

export const PrivacySchema = Type.Object(
  {
    pseudonymize: Type.Boolean({
      default: false,
      description:
        'store identities as keyed pseudonyms (HMAC-SHA256 with VIGIL_PSEUDONYM_KEY); signals keep real subjects',
    }),
    reveal_roles: Type.Array(RoleName, {
      default: ['admin'],
      description: 'API roles that see real identities where the store holds pseudonyms',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type PrivacyConfig = Static<typeof PrivacySchema>;
