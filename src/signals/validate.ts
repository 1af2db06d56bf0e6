/**
 * A checker for the SETs Vigil emits, written from the specifications:
 * RFC 8417 (SET claims, `typ: secevent+jwt`), OpenID SSF 1.0 (`sub_id` subject
 * identifiers, no `sub`, no `exp`, exactly one event) and the required
 * event-specific claims of CAEP 1.0 and RISC 1.0. Returns the problems found
 * (empty when valid); used by tests and usable by receivers.
 */
import { EVENT_TYPES } from './set.js';

const SUBJECT_FORMATS: Record<string, readonly string[]> = {
  account: ['uri'],
  email: ['email'],
  iss_sub: ['iss', 'sub'],
  opaque: ['id'],
  phone_number: ['phone_number'],
  did: ['url'],
  uri: ['uri'],
  aliases: ['identifiers'],
};

const COMPLEX_MEMBERS = ['user', 'device', 'session', 'application', 'tenant', 'org_unit', 'group'];

const REQUIRED_EVENT_CLAIMS: Record<string, readonly string[]> = {
  [EVENT_TYPES.sessionRevoked]: [],
  [EVENT_TYPES.assuranceLevelChange]: ['namespace', 'current_level'],
  [EVENT_TYPES.riskLevelChange]: ['principal', 'current_level'],
  [EVENT_TYPES.credentialChange]: ['credential_type', 'change_type'],
  [EVENT_TYPES.accountDisabled]: [],
  [EVENT_TYPES.credentialCompromise]: ['credential_type'],
  [EVENT_TYPES.deviceComplianceChange]: ['previous_status', 'current_status'],
};

const ENUMS: Record<string, Record<string, readonly string[]>> = {
  [EVENT_TYPES.assuranceLevelChange]: { change_direction: ['increase', 'decrease'] },
  [EVENT_TYPES.riskLevelChange]: {
    current_level: ['LOW', 'MEDIUM', 'HIGH'],
    previous_level: ['LOW', 'MEDIUM', 'HIGH'],
  },
  [EVENT_TYPES.credentialChange]: { change_type: ['create', 'revoke', 'update', 'delete'] },
  [EVENT_TYPES.accountDisabled]: { reason: ['hijacking', 'bulk-account'] },
  [EVENT_TYPES.deviceComplianceChange]: {
    previous_status: ['compliant', 'not-compliant'],
    current_status: ['compliant', 'not-compliant'],
  },
};

/** Events about a device: the subject must name one (a complex subject with a `device` member). */
const DEVICE_EVENTS = new Set<string>([EVENT_TYPES.deviceComplianceChange]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function subjectProblems(subject: unknown, where: string, allowComplex: boolean): string[] {
  if (!isObject(subject)) return [`${where} must be an object`];
  const format = subject.format;
  if (format === 'complex' && allowComplex) {
    const members = Object.keys(subject).filter((key) => key !== 'format');
    if (members.length === 0) return [`${where}: a complex subject needs at least one member`];
    return members.flatMap((member) =>
      COMPLEX_MEMBERS.includes(member)
        ? subjectProblems(subject[member], `${where}.${member}`, false)
        : [`${where}: unknown complex subject member "${member}"`],
    );
  }
  if (typeof format !== 'string' || !(format in SUBJECT_FORMATS))
    return [`${where}: unknown subject format ${JSON.stringify(format)}`];
  return SUBJECT_FORMATS[format]
    .filter((field) => typeof subject[field] !== 'string' || subject[field] === '')
    .map((field) => `${where}: format "${format}" requires "${field}"`);
}

/** Problems with a SET's JOSE header (RFC 8417 §2.3: typ secevent+jwt). */
export function headerProblems(header: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (header.typ !== 'secevent+jwt')
    problems.push(`header typ must be "secevent+jwt", got ${JSON.stringify(header.typ)}`);
  if (typeof header.alg !== 'string' || header.alg === 'none')
    problems.push('header alg must name a signing algorithm');
  if (typeof header.kid !== 'string') problems.push('header kid is missing');
  return problems;
}

/** Problems with a SET payload (claims and its one event). */
export function setProblems(set: unknown): string[] {
  if (!isObject(set)) return ['SET payload must be a JSON object'];
  const problems: string[] = [];
  for (const claim of ['iss', 'jti', 'txn'] as const) {
    if (typeof set[claim] !== 'string' || set[claim] === '') problems.push(`claim "${claim}" is required`);
  }
  if (!Number.isInteger(set.iat)) problems.push('claim "iat" must be an integer (seconds)');
  const aud = set.aud;
  if (
    !(
      typeof aud === 'string' ||
      (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'))
    )
  )
    problems.push('claim "aud" must be a string or an array of strings');
  if ('sub' in set) problems.push('SSF: the subject goes in "sub_id", a SET must not carry "sub"');
  if ('exp' in set) problems.push('RFC 8417: a SET should not carry "exp"');
  problems.push(...subjectProblems(set.sub_id, 'sub_id', true));
  if (!isObject(set.events)) return [...problems, 'claim "events" must be an object'];
  const types = Object.keys(set.events);
  if (types.length !== 1) return [...problems, `SSF: exactly one event per SET, found ${types.length}`];
  const type = types[0];
  const event = set.events[type];
  if (!isObject(event)) return [...problems, `event ${type} must be an object`];
  const required = REQUIRED_EVENT_CLAIMS[type];
  if (!required) return [...problems, `unknown event type ${type}`];
  for (const claim of required) if (event[claim] === undefined) problems.push(`${type} requires "${claim}"`);
  for (const [claim, allowed] of Object.entries(ENUMS[type] ?? {})) {
    if (event[claim] !== undefined && !allowed.includes(event[claim] as string))
      problems.push(`${type}: "${claim}" must be one of ${allowed.join(', ')}`);
  }
  if (DEVICE_EVENTS.has(type) && !(isObject(set.sub_id) && isObject(set.sub_id.device)))
    problems.push(`${type}: sub_id must name the device (a complex subject with "device")`);
  if (event.event_timestamp !== undefined && !Number.isInteger(event.event_timestamp))
    problems.push('event_timestamp must be an integer (seconds)');
  if (
    event.initiating_entity !== undefined &&
    !['admin', 'user', 'policy', 'system'].includes(event.initiating_entity as string)
  )
    problems.push('initiating_entity must be admin, user, policy or system');
  if (event.reason_admin !== undefined && !isObject(event.reason_admin))
    problems.push('reason_admin must map language tags to text');
  return problems;
}
