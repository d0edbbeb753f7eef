import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManifestLayer, parseReleaseManifest, ReleaseManifest, ReleaseManifestError, RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { formatProblem, problem } from '../core/problems';
import { ReleaseError, UsageError } from './context';

/** Where the committed manifests are: written by `npx cdktf synth`. */
export const MANIFEST_DIRECTORY = path.join('generated', 'stacks');

/**
 * The release manifest of an environment, from generated/stacks/<env>/release-manifest.json,
 * with every field checked. No manifest is a usage error; one that cannot be read is a
 * {@link ReleaseError} naming the file and every field at fault.
 */
export function loadManifest(root: string, environment: string, directory = MANIFEST_DIRECTORY): ReleaseManifest {
  const file = path.join(root, directory, environment, RELEASE_MANIFEST_FILE);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(path.join(root, directory))
      ? fs.readdirSync(path.join(root, directory)).filter((name) => fs.existsSync(path.join(root, directory, name, RELEASE_MANIFEST_FILE)))
      : [];
    const rule = `has no release manifest at ${path.relative(root, file)}; environments with one: ${known.join(', ') || 'none'} (run npx cdktf synth)`;
    throw new UsageError([formatProblem(problem('release-argument', '--env', environment, rule))]);
  }
  try {
    return parseReleaseManifest(fs.readFileSync(file, 'utf8'), path.relative(root, file), { environment });
  } catch (error) {
    if (error instanceof ReleaseManifestError) throw new ReleaseError(error.message);
    throw error;
  }
}

/** A layer of the manifest by key, or an error naming the keys there are. */
export function manifestLayer(manifest: ReleaseManifest, key: string): ManifestLayer {
  const layer = manifest.layers[key];
  if (!layer) {
    throw new ReleaseError(`--layer ${key}: no such layer in ${manifest.environment}; layers: ${Object.keys(manifest.layers).join(', ')}`);
  }
  return layer;
}

/** The functions of the manifest that attach a layer, in manifest order. */
export function functionsUsing(manifest: ReleaseManifest, layerKey: string): string[] {
  return Object.entries(manifest.functions)
    .filter(([, fn]) => fn.layers.some((entry) => 'layer' in entry && entry.layer === layerKey))
    .map(([key]) => key);
}
