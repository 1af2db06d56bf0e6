/**
 * Builds canonical auth events from where they come from (an `Access`: place,
 * device, user agent) and what happened. Every event gets its own copies of
 * nested objects, so a consumer that normalises one event in place cannot
 * change another. Ids are random hex from the simulation's id stream.
 */
import type { AuthAction, AuthEvent, IdentityType, MfaResult, Outcome } from '../events/schema.js';
import type { Device } from './devices.js';
import type { Place } from './network.js';
import type { Random } from './random.js';

export interface Access {
  place: Place;
  device: Device | undefined;
  userAgent: string;
}

export interface AuthFacts {
  action: AuthAction;
  outcome: Outcome;
  reason?: string;
  authMethod?: string;
  mfaFactor?: string;
  mfaResult?: MfaResult;
  application?: string;
  sessionId?: string;
  tokenId?: string;
}

export interface Actor {
  identity: string;
  identityType: IdentityType;
}

export const eventId = (ids: Random): string => ids.hex(32);
export const sessionId = (ids: Random): string => ids.hex(32);
export const tokenId = (ids: Random): string => ids.hex(40);

export function deviceAccess(place: Place, device: Device): Access {
  return { place, device, userAgent: device.userAgent };
}

export function authEvent(
  ids: Random,
  time: number,
  actor: Actor,
  access: Access,
  facts: AuthFacts,
): AuthEvent {
  const event: AuthEvent = {
    kind: 'auth',
    id: eventId(ids),
    time,
    identity: actor.identity,
    identity_type: actor.identityType,
    action: facts.action,
    outcome: facts.outcome,
  };
  if (facts.reason !== undefined) event.reason = facts.reason;
  if (facts.authMethod !== undefined) event.auth_method = facts.authMethod;
  if (facts.mfaFactor !== undefined) event.mfa_factor = facts.mfaFactor;
  if (facts.mfaResult !== undefined) event.mfa_result = facts.mfaResult;
  event.src_ip = access.place.ip;
  event.geo = { ...access.place.geo };
  event.asn = access.place.asn;
  if (access.device) event.device = { ...access.device.posture };
  event.user_agent = access.userAgent;
  if (facts.application !== undefined) event.application = facts.application;
  if (facts.sessionId !== undefined) event.session_id = facts.sessionId;
  if (facts.tokenId !== undefined) event.token_id = facts.tokenId;
  return event;
}
