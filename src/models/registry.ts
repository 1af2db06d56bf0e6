/**
 * Model artefacts on disk: per model version, the forest in binary form
 * (`iforest-<kind>-v000001.bin`) and a small JSON manifest next to it
 * (`iforest-<kind>-v000001.json`: version, kind, event-time of training,
 * sample size, feature names, score quantiles, forest params, calibration,
 * SHA-256 of the binary). The manifest is written last, so a crash mid-save
 * leaves no manifest and the half-written model is never loaded.
 *
 * Loading verifies the checksum and that the feature names match the
 * engine's, so a model trained on another feature layout is refused with a
 * clear error rather than misread.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../errors.js';
import { FEATURE_NAMES, type FeatureKind } from '../features/feature-batch.js';
import { QuantileSketch, type QuantileSketchJson } from './calibration.js';
import { type ModelReference, referenceFromJSON } from './health/reference.js';
import { type IforestModel, scoreQuantiles } from './iforest-model.js';
import { forestFromBinary, forestToBinary, type IsolationForestParams } from './isolation-forest/index.js';

export const MANIFEST_FORMAT_VERSION = 1;

export interface IforestManifest {
  format_version: number;
  model: 'isolation_forest';
  kind: FeatureKind;
  version: number;
  /** Event time (epoch ms) of the last event before training, and the same as ISO text. */
  trained_at: number;
  trained_at_iso: string;
  sample_size: number;
  feature_names: string[];
  feature_medians: number[];
  score_quantiles: Record<string, number>;
  params: IsolationForestParams;
  calibration: QuantileSketchJson;
  forest_file: string;
  /** `sha256:<hex>` of the forest file. */
  checksum: string;
  /** The training window's distributions for drift monitoring (absent in models saved before it existed). */
  health_reference?: ModelReference;
}

const baseName = (kind: FeatureKind, version: number) =>
  `iforest-${kind}-v${String(version).padStart(6, '0')}`;
const MANIFEST_NAME = /^iforest-(auth|service)-v(\d{6,})\.json$/;

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function manifestOf(
  model: IforestModel,
  forestFile: string,
  checksum: string,
  reference?: ModelReference,
): IforestManifest {
  const manifest: IforestManifest = {
    format_version: MANIFEST_FORMAT_VERSION,
    model: 'isolation_forest',
    kind: model.kind,
    version: model.version,
    trained_at: model.trainedAt,
    trained_at_iso: new Date(model.trainedAt).toISOString(),
    sample_size: model.sampleSize,
    feature_names: [...model.forest.featureNames],
    feature_medians: Array.from(model.featureMedians),
    score_quantiles: scoreQuantiles(model),
    params: { ...model.forest.params },
    calibration: model.calibration.toJSON(),
    forest_file: forestFile,
    checksum,
  };
  if (reference) manifest.health_reference = reference;
  return manifest;
}

export class ModelRegistry {
  constructor(readonly directory: string) {}

  /** Writes the forest, then its manifest (with the health reference when given); returns the manifest path. */
  save(model: IforestModel, reference?: ModelReference): string {
    mkdirSync(this.directory, { recursive: true });
    const name = baseName(model.kind, model.version);
    const bytes = forestToBinary(model.forest);
    writeFileSync(join(this.directory, `${name}.bin`), bytes);
    const manifest = manifestOf(model, `${name}.bin`, sha256(bytes), reference);
    const path = join(this.directory, `${name}.json`);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return path;
  }

  /** Highest saved version of a kind, or 0 when none. */
  latestVersion(kind: FeatureKind): number {
    if (!existsSync(this.directory)) return 0;
    let latest = 0;
    for (const file of readdirSync(this.directory)) {
      const match = MANIFEST_NAME.exec(file);
      if (match && match[1] === kind) latest = Math.max(latest, Number(match[2]));
    }
    return latest;
  }

  /** The newest saved model of a kind, or undefined when the directory holds none. */
  loadLatest(kind: FeatureKind): IforestModel | undefined {
    const version = this.latestVersion(kind);
    return version === 0 ? undefined : this.load(kind, version);
  }

  /** A saved version's health reference; undefined for models saved before references existed. */
  loadReference(kind: FeatureKind, version: number): ModelReference | undefined {
    const path = join(this.directory, `${baseName(kind, version)}.json`);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as IforestManifest;
    return referenceFromJSON(manifest.health_reference, FEATURE_NAMES[kind], path);
  }

  load(kind: FeatureKind, version: number): IforestModel {
    const path = join(this.directory, `${baseName(kind, version)}.json`);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as IforestManifest;
    if (manifest.format_version !== MANIFEST_FORMAT_VERSION)
      throw errors.stateVersion(manifest.format_version, MANIFEST_FORMAT_VERSION);
    const expected = FEATURE_NAMES[kind];
    if (manifest.kind !== kind || manifest.feature_names.join(',') !== expected.join(','))
      throw errors.stateCorrupt(
        `${path} was trained on other ${kind} features (${manifest.feature_names.length} named, this Vigil extracts ${expected.length}); retrain with \`vigil train\``,
      );
    const bytes = readFileSync(join(this.directory, manifest.forest_file));
    if (sha256(bytes) !== manifest.checksum)
      throw errors.stateCorrupt(`${manifest.forest_file} does not match the checksum in ${path}`);
    return {
      kind,
      version: manifest.version,
      forest: forestFromBinary(bytes),
      calibration: QuantileSketch.fromJSON(manifest.calibration),
      featureMedians: Float64Array.from(manifest.feature_medians),
      trainedAt: manifest.trained_at,
      sampleSize: manifest.sample_size,
    };
  }
}
