/**
 * Bytes-out spike (exfiltration-sized response): a call on a known edge that
 * moved far more data than that edge usually does. Scored as a z-score of
 * log(1 + bytes_out) against the edge's learned EWMA mean and deviation (log
 * space because payload sizes are roughly lognormal), with a floor on the
 * deviation so a very regular edge does not fire on a modest change. Also
 * requires an absolute size and a multiple of the usual median, so small
 * edges with noisy sizes never page anyone.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type DetectorDefinition, type ServiceDetector, severity } from './types.js';

const Params = Type.Object({
  min_z: Type.Number({ default: 4, minimum: 1, description: 'z-score of log(1 + bytes_out) that fires' }),
  min_bytes: Type.Number({ default: 10_000, minimum: 0, description: 'bytes_out below this never fire' }),
  min_ratio: Type.Number({
    default: 20,
    minimum: 1,
    description: 'bytes_out must be at least this many times the usual median',
  }),
  min_samples: Type.Integer({
    default: 10,
    minimum: 2,
    description: 'calls learned on the edge before it is judged',
  }),
  std_floor: Type.Number({
    default: 0.25,
    minimum: 0.01,
    description: 'lowest deviation assumed, in log space',
  }),
});
type Params = Static<typeof Params>;

export const bytesOutSpike: DetectorDefinition<Params> = {
  name: 'bytes_out_spike',
  kind: 'service',
  description: 'A call on a known edge moving far more bytes out than that edge usually does.',
  params: Params,
  create(params): ServiceDetector {
    return {
      name: 'bytes_out_spike',
      kind: 'service',
      inspect(event, { profile }) {
        const bytesOut = event.bytes_out;
        if (bytesOut < params.min_bytes) return undefined;
        const edge = profile.edgeBytes(event.destination);
        if (edge === undefined || edge.samples < params.min_samples) return undefined;
        const usualBytes = Math.expm1(edge.mean);
        if (bytesOut < params.min_ratio * usualBytes) return undefined;
        const z = (Math.log1p(bytesOut) - edge.mean) / Math.max(edge.std, params.std_floor);
        if (z < params.min_z) return undefined;
        const ratio = bytesOut / Math.max(1, usualBytes);
        return {
          detector: 'bytes_out_spike',
          severity: severity(0.6 + 0.35 * Math.min(1, (z - params.min_z) / params.min_z)),
          summary: `${Math.round(bytesOut)} bytes out to ${event.destination}, ${Math.round(ratio)}× its usual ${Math.round(usualBytes)} bytes`,
          evidence: {
            destination: event.destination,
            method: event.method,
            route: event.route,
            bytes_out: bytesOut,
            usual_bytes_out: Math.round(usualBytes),
            ratio: Math.round(ratio * 10) / 10,
            z: Math.round(z * 100) / 100,
            edge_samples: edge.samples,
          },
        };
      },
    };
  },
};
