import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManifestLayer, ReleaseManifest, RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { ReleaseError } from './context';

/** Where the committed manifests are: written by `npx cdktf synth`. */
export const MANIFEST_DIRECTORY = path.join('generated', 'stacks');

/** The release manifest of an environment, from generated/stacks/<env>/release-manifest.json. */
export function loadManifest(root: string, environment: string, directory = MANIFEST_DIRECTORY): ReleaseManifest {
  const file = path.join(root, directory, environment, RELEASE_MANIFEST_FILE);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(path.join(root, directory))
      ? fs.readdirSync(path.join(root, directory)).filter((name) => fs.existsSync(path.join(root, directory, name, RELEASE_MANIFEST_FILE)))
      : [];
    throw new ReleaseError(
      `--env ${environment}: no release manifest at ${file}; environments with one: ${known.join(', ') || 'none'} (run npx cdktf synth)`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as ReleaseManifest;
  if (manifest.manifestVersion !== 1) {
    throw new ReleaseError(`${file}: manifestVersion ${manifest.manifestVersion} is not one this release command reads (1)`);
  }
  return manifest;
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
