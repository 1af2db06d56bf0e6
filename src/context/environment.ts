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

// biome-ignore lint/suspicious/noEmptyInterface: members are added by each context provider
export interface DetectorEnvironment {}

// biome-ignore lint/suspicious/noEmptyInterface: members are added by each context provider
export interface EventFacts {}
