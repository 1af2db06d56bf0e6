/**
 * Built-in traffic simulator: realistic auth and east-west service traffic
 * with labelled attack incidents, as a stream (`simulate`) or as files
 * (`writeSimulation`), in canonical or OCSF form.
 */

export { CORPORATE_VPN } from './geography.js';
export {
  CONTEXT_SCENARIOS,
  DEFAULT_SCENARIOS,
  SCENARIOS,
  type ScenarioLabel,
  type ScenarioName,
  type SimulatedEvent,
} from './labels.js';
export { toOcsf } from './ocsf-encode.js';
export type { SimulationOptions } from './options.js';
export { simulate } from './simulate.js';
export {
  type WriteSimulationOptions,
  type WriteSimulationResult,
  writeSimulation,
} from './write-simulation.js';
