/**
 * `vigil audit verify --pipeline F`, `vigil audit export --pipeline F --from T
 * --to T --out FILE` and `vigil audit verify-bundle FILE [--jwk FILE]`: check
 * the pipeline's audit chain in its store (SQLite or ClickHouse), export a
 * signed range for an auditor, and verify such a bundle offline (no store,
 * no network). Verification failures exit 1 and name the first broken record.
 *
 * Read-only on the chain; never creates a signing key (export needs the
 * pipeline's existing one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { exportBundle, verifyBundleText } from '../audit/bundle.js';
import { openAuditStore, signerFor } from '../audit/setup.js';
import { recordsOf } from '../audit/store.js';
import { type VerifyReport, verifyChain } from '../audit/verify.js';
import { applyEnvOverrides } from '../config/env-overrides.js';
import { loadPipeline, type PipelineConfig } from '../config/pipeline.js';
import { errors } from '../errors.js';

const loadConfig = (path: string): PipelineConfig => applyEnvOverrides(loadPipeline(path), process.env);

async function storeOf(config: PipelineConfig) {
  const store = await openAuditStore(config);
  if (!store)
    throw errors.configInvalid(
      'sinks',
      'the pipeline has no store (sinks.sqlite or sinks.clickhouse) to hold an audit trail',
    );
  return store;
}

/** A time given as epoch ms or an ISO 8601 date/time. */
export function parseTime(value: string, field: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw errors.usage(`${field} "${value}" is neither epoch milliseconds nor an ISO 8601 time`);
  return ms;
}

/** One-line summary; `signedAsWhole`: the records are also covered by a bundle signature (so none is unattested). */
export function formatReport(report: VerifyReport, signedAsWhole = false): string {
  const range = report.records ? ` (seq ${report.first_seq}–${report.last_seq})` : '';
  const checkpoints = `${report.checkpoints.valid}/${report.checkpoints.total} checkpoints valid`;
  if (report.ok) {
    const tail =
      report.unattested && !signedAsWhole
        ? `; ${report.unattested} record(s) after the last checkpoint are not yet attested by a signature`
        : '';
    return `OK chain "${report.chain}": ${report.records} records${range}, ${checkpoints}${tail}`;
  }
  const broken = report.broken;
  return `BROKEN chain "${report.chain}" at record ${broken?.seq} (${broken?.problem}): ${broken?.message}\n  walked ${report.records} records${range}, ${checkpoints}`;
}

export async function auditVerify(pipelinePath: string): Promise<VerifyReport> {
  const config = loadConfig(pipelinePath);
  const store = await storeOf(config);
  try {
    const signer = await signerFor(config, false);
    return await verifyChain({
      chain: config.name,
      records: recordsOf(store, config.name),
      checkpoints: await store.checkpoints(config.name),
      publicJwk: signer?.publicJwk,
    });
  } finally {
    await store.close();
  }
}

export interface ExportOptions {
  pipeline: string;
  fromMs: number;
  toMs: number;
  out: string;
}

export async function auditExport(options: ExportOptions): Promise<{ records: number; out: string }> {
  if (options.toMs <= options.fromMs) throw errors.usage('--to must be after --from');
  const config = loadConfig(options.pipeline);
  const signer = await signerFor(config, false);
  if (!signer)
    throw errors.configInvalid(
      'signals.keys_dir',
      `no signing key in ${config.signals.keys_dir}: nothing to sign the bundle with`,
    );
  const store = await storeOf(config);
  try {
    const { text, bundle } = await exportBundle(store, config.name, options, signer);
    writeFileSync(options.out, text, { mode: 0o644 });
    return { records: bundle.records.length, out: options.out };
  } finally {
    await store.close();
  }
}

export function registerAuditCommands(program: Command, setExitCode: (code: number) => void): void {
  const audit = program
    .command('audit')
    .description('tamper-evident audit trail: verify, export, verify a bundle');

  audit
    .command('verify')
    .description(
      "walk the pipeline's audit chain and its signed checkpoints; exit 1 at the first broken record",
    )
    .requiredOption('--pipeline <file>', 'pipeline YAML (its store holds the chain)')
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      const report = await auditVerify(o.pipeline);
      process.stdout.write(`${o.json ? JSON.stringify(report) : formatReport(report)}\n`);
      if (!report.ok) setExitCode(1);
    });

  audit
    .command('export')
    .description('write a signed bundle of the records in [--from, --to) that verifies offline')
    .requiredOption('--pipeline <file>', 'pipeline YAML')
    .requiredOption('--from <time>', 'start, inclusive (ISO 8601 or epoch ms)')
    .requiredOption('--to <time>', 'end, exclusive (ISO 8601 or epoch ms)')
    .requiredOption('--out <file>', 'bundle file to write')
    .action(async (o) => {
      const result = await auditExport({
        pipeline: o.pipeline,
        fromMs: parseTime(o.from, '--from'),
        toMs: parseTime(o.to, '--to'),
        out: o.out,
      });
      process.stdout.write(`wrote ${result.records} audit records to ${result.out}\n`);
    });

  audit
    .command('verify-bundle')
    .description('verify an exported bundle offline (no store, no network); exit 1 if it fails')
    .argument('<file>', 'bundle written by `vigil audit export`')
    .option('--jwk <file>', "the expected public key (JWK JSON, e.g. from the transmitter's JWKS)")
    .action(async (file: string, o) => {
      const pinned = o.jwk ? (JSON.parse(readFileSync(o.jwk, 'utf8')) as JWK) : undefined;
      const report = await verifyBundleText(readFileSync(file, 'utf8'), pinned);
      if (report.ok && report.chain) {
        const keyNote = pinned
          ? 'the pinned key'
          : `key ${report.kid} (carried in the bundle; pin it with --jwk)`;
        process.stdout.write(`OK bundle signed by ${keyNote}\n${formatReport(report.chain, true)}\n`);
        return;
      }
      process.stdout.write(`FAILED: ${report.problem}\n`);
      setExitCode(1);
    });
}
