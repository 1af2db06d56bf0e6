// Writes docs/detectors.md from the detector registry: `npm run docs:detectors` (after a build).
import { DETECTORS } from '../dist/src/detectors/index.js';

const lines = [
  '# Detectors',
  '',
  'Every detector is one file in `src/detectors/` with its parameters (a TypeBox',
  'schema with defaults) and a spec test in `test/unit/detectors/` showing it',
  'firing on its attack pattern and staying quiet on normal behaviour. All run',
  'unless disabled; parameters are set by name in the pipeline YAML:',
  '',
  '```yaml',
  'detectors:',
  '  brute_force:',
  '    min_failures: 12',
  '  rare_hour:',
  '    enabled: false',
  '```',
  '',
  'A finding carries a severity in [0, 1], a one-line summary and its evidence;',
  'findings at or above `alerts.min_severity` (0.5) become alerts, one per',
  'identity and detector per `alerts.suppress_minutes` (or per incident key for',
  'incidents spanning identities, such as a spray from one address). Novelty',
  'detectors judge only mature baselines (`baseline.mature_events` learned',
  'events over `baseline.mature_days`).',
  '',
  'Generated from the registry by `npm run docs:detectors`; `test/unit/detectors/registry.test.ts` checks it is current.',
  '',
];
for (const d of DETECTORS) {
  lines.push(`## \`${d.name}\` (${d.kind} events)`, '', d.description, '');
  const props = Object.entries(d.params.properties);
  if (props.length === 0) {
    lines.push('No parameters.', '');
    continue;
  }
  lines.push('| parameter | default | meaning |', '| --- | --- | --- |');
  for (const [name, schema] of props) {
    lines.push(
      `| \`${name}\` | \`${JSON.stringify(schema.default)}\` | ${(schema.description ?? '').replaceAll('|', '\\|')} |`,
    );
  }
  lines.push('');
}
process.stdout.write(lines.join('\n'));
