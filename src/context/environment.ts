/**
 * What the engine knows about the world around an event, beyond the
 * identity's own baseline: threat-intelligence address lists, the devices
 * seen and their posture, peer groups. Built once per engine from the
 * pipeline config (src/context/build.ts) and handed to every detector
 * through its context; each member is absent when the pipeline does not
 * configure it, and detectors that need it then stay quiet.
 *
 * `EventFacts` is what the analyzer learned about one event from the
 * environment (its source address's intel categories, its device's posture
 * history); the response policy matches on these facts.
 */

import type { DeviceBook } from '../devices/device-book.js';
import type { DeviceFacts } from '../devices/facts.js';
import type { IntelLookup, IntelMatch } from '../intel/lookup.js';
import type { PeerGroups } from '../peers/peer-groups.js';

export interface DetectorEnvironment {
  /** The partition's device baseline (src/devices/), read by the device detectors. */
  devices?: DeviceBook;
  /** Peer groups and per-identity usage/data movement (src/peers/); present when a peer detector is enabled. */
  peers?: PeerGroups;
  /** Threat-intel address lists (src/intel/); present when the pipeline's `intel.lists` names any. */
  intel?: IntelLookup;
}

export interface EventFacts {
  /** The event's device posture and what was known of the device before it (src/devices/facts.ts). */
  device?: DeviceFacts;
  /** The list entry holding the event's source address (src/intel/); absent when in no list. */
  intel?: IntelMatch;
}
