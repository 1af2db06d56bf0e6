/**
 * A small synthetic sequence language for LSTM tests: every workload repeats
 * the workflow A → B → C → D (service calls one minute apart), and a few
 * calls are noise (E or F instead of the expected step). Seeded.
 */
import type { ServiceEvent } from '../../src/events/schema.js';
import { SeededRandom } from '../../src/models/random.js';
import { MINUTE, serviceEvent, T0 } from './events.js';

export const WORKFLOW = ['a', 'b', 'c', 'd'] as const;
const NOISE = ['e', 'f'] as const;

export function workflowCall(identity: string, step: string, time: number): ServiceEvent {
  return serviceEvent({
    identity,
    destination: `svc-${step}`,
    method: 'GET',
    route: `/${step}`,
    status: 200,
    time,
  });
}

/** `identities` workloads × `length` calls each, interleaved by time; `noise` is the fraction replaced by E/F. */
export function workflowTraffic(identities: number, length: number, noise: number, seed = 7): ServiceEvent[] {
  const random = new SeededRandom(seed);
  const events: ServiceEvent[] = [];
  for (let i = 0; i < length; i++) {
    for (let w = 0; w < identities; w++) {
      const step =
        random.nextFloat() < noise ? NOISE[random.nextInt(NOISE.length)] : WORKFLOW[i % WORKFLOW.length];
      events.push(workflowCall(`spiffe://test/wl-${w}`, step, T0 + i * MINUTE + w));
    }
  }
  return events;
}

/** The token the tokenizer gives a workflow call (for assertions on explanations). */
export function workflowToken(step: string): string {
  return `svc svc-${step} GET /${step} 2xx`;
}
