/**
 * Session reuse (token theft / session hijack): a session this identity
 * established from one address and device shows up from another address AND
 * another device, which is what a stolen cookie or refresh token replayed
 * elsewhere looks like. A new address alone is ordinary (phones hop between
 * mobile networks and Wi-Fi), so it stays quiet. When either side has no
 * device id, the new address only counts if its network (ASN) or country is
 * one this identity has never used.
 *
 * Only the hashes of the establishing address and device are kept in the
 * baseline (see AuthProfile.sessionPeer), hence hashes in the evidence.
 */
import { type Static, Type } from '@sinclair/typebox';
import { fnv1a } from '../baseline/hash.js';
import { type AuthDetector, type DetectorDefinition, severity } from './types.js';

const Params = Type.Object({
  severity_other_device: Type.Number({
    default: 0.8,
    minimum: 0,
    maximum: 1,
    description: 'severity when both the address and the device differ from where the session began',
  }),
  severity_unfamiliar_network: Type.Number({
    default: 0.6,
    minimum: 0,
    maximum: 1,
    description:
      'severity when the address differs, devices cannot be compared, and the network or country is new',
  }),
});
type Params = Static<typeof Params>;

export const sessionReuse: DetectorDefinition<Params> = {
  name: 'session_reuse',
  kind: 'auth',
  description:
    'A session or token used from another address and device than the ones it was established from.',
  params: Params,
  create(params): AuthDetector {
    return {
      name: 'session_reuse',
      kind: 'auth',
      inspect(event, { profile }) {
        const ip = event.src_ip;
        if (!ip) return undefined;
        let sessionId = event.session_id;
        let slot = sessionId ? profile.sessions.indexOf(sessionId) : -1;
        if (slot < 0 && event.token_id) {
          sessionId = event.token_id;
          slot = profile.sessions.indexOf(sessionId);
        }
        if (slot < 0) return undefined;
        const originalIpHash = profile.sessionIpHash(slot);
        const currentIpHash = fnv1a(ip);
        if (originalIpHash === 0 || originalIpHash === currentIpHash) return undefined;

        const originalDeviceHash = profile.sessionDeviceHash(slot);
        const device = event.device?.id;
        const currentDeviceHash = device ? fnv1a(device) : 0;
        const devicesComparable = originalDeviceHash !== 0 && currentDeviceHash !== 0;
        if (devicesComparable && originalDeviceHash === currentDeviceHash) return undefined;
        const country = event.geo?.country;
        const newNetwork = event.asn !== undefined && !profile.asns.has(String(event.asn));
        const newCountry = country !== undefined && !profile.countries.has(country);
        const unfamiliar = newNetwork || newCountry;
        if (!devicesComparable && !unfamiliar) return undefined;

        const level = devicesComparable
          ? params.severity_other_device + (unfamiliar ? 0.1 : 0)
          : params.severity_unfamiliar_network;
        return {
          detector: 'session_reuse',
          severity: severity(level),
          summary: devicesComparable
            ? `Session ${sessionId} used from ${ip} on device ${device}, not the address and device it was established from`
            : `Session ${sessionId} used from ${ip} on an unfamiliar ${newNetwork ? 'network' : 'country'}`,
          evidence: {
            session_id: sessionId,
            action: event.action,
            src_ip: event.src_ip,
            device,
            original_ip_hash: originalIpHash,
            current_ip_hash: currentIpHash,
            original_device_hash: originalDeviceHash || undefined,
            current_device_hash: currentDeviceHash || undefined,
            device_differs: devicesComparable,
            asn: event.asn,
            country,
            new_network: newNetwork,
            new_country: newCountry,
            user_agent: event.user_agent,
          },
        };
      },
    };
  },
};
