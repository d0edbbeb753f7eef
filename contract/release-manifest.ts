import { formatProblem, Problem, problem } from '../core/problems';
import { check, Rule, ruleTable, RULES, satisfies } from '../core/rules';

/** pip requirements to install into the layer. */
export interface RequirementsBuild {
  /** pip requirements to install, relative to the repository root. */
  readonly requirementsFile: string;
  /** The lock file the requirements come from; its bytes key the build. @default the requirements file */
  readonly lockFile?: string;
}

/** A directory of Python packages to copy under `python/`, such as shared application code. */
export interface SourceDirectoryBuild {
  readonly sourceDirectory: string;
}

/** How CI builds a layer's contents into the `python/` layout. */
export type LayerBuild = RequirementsBuild | SourceDirectoryBuild;

/** The file synth writes next to each environment's stack. */
export const RELEASE_MANIFEST_FILE = 'release-manifest.json';

/** The version of the manifest's shape; bumped when it changes, so an older release command refuses a newer manifest. */
export const MANIFEST_VERSION = 2;

/**
 * What CI needs to release into an environment, derived from the same configuration as the
 * stack, so no layer or function name is written twice: layers and where their packages go,
 * functions with their layers in order and where their code goes.
 */
export interface ReleaseManifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly artifactsBucket: string;
  readonly layers: Readonly<Record<string, ManifestLayer>>;
  readonly functions: Readonly<Record<string, ManifestFunction>>;
}

export interface ManifestLayer {
  readonly layerName: string;
  /** The layer's ARN without a version: versions are `<layerArn>:<n>`. */
  readonly layerArn: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures?: readonly string[];
  /** Packages go to `s3://<artifactsBucket>/<packagePrefix><content hash>.zip`. */
  readonly packagePrefix: string;
  readonly build?: LayerBuild;
}

/** A layer of a function: a layer of this manifest by key, or a layer version managed elsewhere. */
export type FunctionLayer = { readonly layer: string } | { readonly arn: string };

export interface ManifestFunction {
  readonly functionName: string;
  readonly runtime: string;
  readonly architecture: string;
  /** In attach order. */
  readonly layers: readonly FunctionLayer[];
  /** Code packages go to `s3://<artifactsBucket>/<packagePrefix><content hash>.zip`. */
  readonly packagePrefix: string;
  /**
   * The alias everything invokes (`live` unless the environment names another). Terraform created
   * it on the function's first published version; CI moves it (`function_version`,
   * `routing_config`) and records its moves in its `description`.
   */
  readonly alias: string;
  /**
   * CloudWatch alarms watched while the alias moves: a canary stops and moves all traffic back
   * when one is in `ALARM`. Those the stack creates on the alias, then those named in the environment.
   */
  readonly alarms: readonly string[];
}

/** A manifest that cannot be read: every problem, one per line, each naming the file and the field. */
export class ReleaseManifestError extends Error {
  constructor(
    readonly file: string,
    readonly lines: readonly string[],
  ) {
    super(
      `${file} is not a release manifest this command can read (${lines.length} problem${lines.length === 1 ? '' : 's'}; ` +
        `regenerate it with npx cdktf synth):\n${lines.map((line) => `  ${line}`).join('\n')}`,
    );
    this.name = 'ReleaseManifestError';
  }
}

/** Rules of the manifest itself; AWS names and ARNs use the project's rule table. */
export const MANIFEST_RULES = ruleTable(
  {
    layerArn: {
      kind: 'pattern',
      pattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]{1,140}$',
      text: 'must be a layer ARN without a version: arn:<partition>:lambda:<region>:<account>:layer:<name>',
    },
    packagePrefix: { kind: 'pattern', pattern: '^[^/].*/$', text: 'must be an S3 key prefix: not starting with "/", ending with "/"' },
    relativePath: {
      kind: 'pattern',
      // every part a name, but not "." or ".."
      pattern: '^([^/.][^/]*|\\.[^/.][^/]*|\\.\\.[^/]+)(/([^/.][^/]*|\\.[^/.][^/]*|\\.\\.[^/]+))*$',
      text: 'must be a path relative to the repository root, without ".." or empty parts',
    },
  },
  'manifest-',
);

/** Every field of `T`, and whether it is required: the parser's list of known fields, checked against the type. */
type Fields<T> = { readonly [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };

const MANIFEST_FIELDS: Fields<ReleaseManifest> = {
  manifestVersion: 'required',
  environment: 'required',
  accountId: 'required',
  region: 'required',
  artifactsBucket: 'required',
  layers: 'required',
  functions: 'required',
};
const LAYER_FIELDS: Fields<ManifestLayer> = {
  layerName: 'required',
  layerArn: 'required',
  compatibleRuntimes: 'required',
  compatibleArchitectures: 'optional',
  packagePrefix: 'required',
  build: 'optional',
};
const REQUIREMENTS_BUILD_FIELDS: Fields<RequirementsBuild> = { requirementsFile: 'required', lockFile: 'optional' };
const SOURCE_DIRECTORY_BUILD_FIELDS: Fields<SourceDirectoryBuild> = { sourceDirectory: 'required' };
const LAYER_KEY_FIELDS: Fields<Extract<FunctionLayer, { layer: string }>> = { layer: 'required' };
const LAYER_ARN_FIELDS: Fields<Extract<FunctionLayer, { arn: string }>> = { arn: 'required' };
const FUNCTION_FIELDS: Fields<ManifestFunction> = {
  functionName: 'required',
  runtime: 'required',
  architecture: 'required',
  layers: 'required',
  packagePrefix: 'required',
  alias: 'required',
  alarms: 'required',
};

/**
 * Reads a release manifest, checking the whole document: its JSON, its version, every field
 * (unknown ones refused), every name and ARN, and that functions name layers of the manifest.
 * Throws a {@link ReleaseManifestError} with every problem found.
 */
export function parseReleaseManifest(text: string, file: string, expected: { readonly environment?: string } = {}): ReleaseManifest {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // Node 22 ends the message with "(line 3 column 1)"; the location is given once, in front.
    const message = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
    throw new ReleaseManifestError(file, [`${file}${jsonLocation(text, message)}: not valid JSON: ${message}`]);
  }
  const r = new Reader();
  const top = r.object('(document)', document, MANIFEST_FIELDS);
  if ('manifestVersion' in top && top.manifestVersion !== MANIFEST_VERSION) {
    // Another version has another shape: its other fields say nothing useful.
    const rule = `must be ${MANIFEST_VERSION}, the version this release command reads; release with the command of the commit that wrote it, or regenerate it`;
    throw new ReleaseManifestError(file, [`${file}: ${formatProblem(problem('manifest-version', 'manifestVersion', top.manifestVersion, rule))}`]);
  }
  const environment = r.string('environment', top.environment, RULES.environmentName);
  if (expected.environment !== undefined && environment !== '' && environment !== expected.environment) {
    r.fail('manifest-environment', 'environment', environment, `must be "${expected.environment}", the environment whose directory holds this manifest`);
  }
  const accountId = r.string('accountId', top.accountId, RULES.accountId);
  const region = r.string('region', top.region, RULES.region);
  const layers = r.record('layers', top.layers, (at, value) => readLayer(r, at, value, region, accountId));
  const layerKeys = isObject(top.layers) ? Object.keys(top.layers) : undefined;
  const functions = r.record('functions', top.functions, (at, value) => readFunction(r, at, value, region, layerKeys));
  r.unique('layers', layers, 'layerName');
  r.unique('functions', functions, 'functionName');
  const manifest: ReleaseManifest = {
    manifestVersion: MANIFEST_VERSION,
    environment,
    accountId,
    region,
    artifactsBucket: r.string('artifactsBucket', top.artifactsBucket, RULES.s3BucketName),
    layers,
    functions,
  };
  if (r.problems.length > 0) throw new ReleaseManifestError(file, r.problems.map((p) => `${file}: ${formatProblem(p)}`));
  return manifest;
}

function readLayer(r: Reader, at: string, value: unknown, region: string, accountId: string): ManifestLayer {
  const o = r.object(at, value, LAYER_FIELDS);
  const layerName = r.string(`${at}.layerName`, o.layerName, RULES.layerName);
  const layerArn = r.string(`${at}.layerArn`, o.layerArn, MANIFEST_RULES.layerArn);
  const [, partition, , arnRegion, arnAccount, , arnName] = layerArn.split(':');
  const known = layerName !== '' && region !== '' && accountId !== '';
  if (known && satisfies(MANIFEST_RULES.layerArn, layerArn) && [arnRegion, arnAccount, arnName].join() !== [region, accountId, layerName].join()) {
    const wanted = `arn:${partition}:lambda:${region}:${accountId}:layer:${layerName}`;
    r.fail('manifest-layer-arn', `${at}.layerArn`, layerArn, `must be the ARN of this layer in the manifest's region and account: ${wanted}`);
  }
  return {
    layerName,
    layerArn,
    compatibleRuntimes: r.strings(`${at}.compatibleRuntimes`, o.compatibleRuntimes, RULES.runtime),
    ...(o.compatibleArchitectures === undefined
      ? {}
      : { compatibleArchitectures: r.strings(`${at}.compatibleArchitectures`, o.compatibleArchitectures, RULES.architecture) }),
    packagePrefix: r.string(`${at}.packagePrefix`, o.packagePrefix, MANIFEST_RULES.packagePrefix),
    ...(o.build === undefined ? {} : { build: readBuild(r, `${at}.build`, o.build) }),
  };
}

function readBuild(r: Reader, at: string, value: unknown): LayerBuild {
  const rule = 'must be exactly one of {"requirementsFile": <path>, "lockFile": <path>?} or {"sourceDirectory": <path>}';
  const kind = r.variant(at, value, ['requirementsFile', 'sourceDirectory'], 'manifest-build', rule);
  if (kind === undefined) return { sourceDirectory: '' };
  if (kind === 'sourceDirectory') {
    const o = r.object(at, value, SOURCE_DIRECTORY_BUILD_FIELDS);
    return { sourceDirectory: r.string(`${at}.sourceDirectory`, o.sourceDirectory, MANIFEST_RULES.relativePath) };
  }
  const o = r.object(at, value, REQUIREMENTS_BUILD_FIELDS);
  return {
    requirementsFile: r.string(`${at}.requirementsFile`, o.requirementsFile, MANIFEST_RULES.relativePath),
    ...(o.lockFile === undefined ? {} : { lockFile: r.string(`${at}.lockFile`, o.lockFile, MANIFEST_RULES.relativePath) }),
  };
}

function readFunction(r: Reader, at: string, value: unknown, region: string, layerKeys: readonly string[] | undefined): ManifestFunction {
  const o = r.object(at, value, FUNCTION_FIELDS);
  const layers = r.list(`${at}.layers`, o.layers, (entryAt, entry): FunctionLayer => {
    const rule = 'must be exactly one of {"layer": <key of layers>} or {"arn": <layer version ARN>}';
    const kind = r.variant(entryAt, entry, ['layer', 'arn'], 'manifest-function-layer', rule);
    if (kind === undefined) return { layer: '' };
    if (kind === 'layer') {
      const layer = r.string(`${entryAt}.layer`, r.object(entryAt, entry, LAYER_KEY_FIELDS).layer);
      if (layer !== '' && layerKeys !== undefined && !layerKeys.includes(layer)) {
        r.fail('manifest-layer-key', `${entryAt}.layer`, layer, `must name a layer of this manifest: ${layerKeys.join(', ') || 'it has none'}`);
      }
      return { layer };
    }
    const arn = r.string(`${entryAt}.arn`, r.object(entryAt, entry, LAYER_ARN_FIELDS).arn, RULES.layerVersionArn);
    if (satisfies(RULES.layerVersionArn, arn) && region !== '' && arn.split(':')[3] !== region) {
      r.fail('manifest-layer-region', `${entryAt}.arn`, arn, `must be a layer of the manifest's region, ${region}: functions attach layers of their own region only`);
    }
    return { arn };
  });
  if (Array.isArray(o.layers)) r.problems.push(...check(`${at}.layers`, o.layers, RULES.layers));
  return {
    functionName: r.string(`${at}.functionName`, o.functionName, RULES.functionName),
    runtime: r.string(`${at}.runtime`, o.runtime, RULES.runtime),
    architecture: r.string(`${at}.architecture`, o.architecture, RULES.architecture),
    layers,
    packagePrefix: r.string(`${at}.packagePrefix`, o.packagePrefix, MANIFEST_RULES.packagePrefix),
    alias: r.string(`${at}.alias`, o.alias, RULES.aliasName, RULES.aliasNameLength),
    alarms: r.list(`${at}.alarms`, o.alarms, (itemAt, item) => r.string(itemAt, item, RULES.alarmName)),
  };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of a field as it appears in the JSON: `functions.api.layers[1].layer`. */
function fieldPath(at: string, key: string): string {
  const name = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  return at === '(document)' ? name : `${at}.${name}`;
}

/**
 * Reads values, recording a problem for each one that breaks a rule. A value that breaks one
 * reads as empty, so reading goes on and every problem is found; the manifest is only returned
 * when there are none. A missing field is reported once, by the object it is missing from.
 */
class Reader {
  readonly problems: Problem[] = [];

  fail(code: string, field: string, value: unknown, rule: string): void {
    this.problems.push(problem(code, field, value, rule));
  }

  /** Which of `keys` an object of several shapes has: exactly one, or a problem and undefined. */
  variant<K extends string>(at: string, value: unknown, keys: readonly K[], code: string, rule: string): K | undefined {
    const found = isObject(value) ? keys.filter((key) => key in value) : [];
    if (found.length === 1) return found[0];
    if (value !== undefined) this.fail(code, at, value, found.length > 1 ? `${rule}; it has both ${found.join(' and ')}` : rule);
    return undefined;
  }

  object(at: string, value: unknown, fields: Readonly<Record<string, 'required' | 'optional'>>): Readonly<Record<string, unknown>> {
    if (value === undefined) return {};
    if (!isObject(value)) {
      this.fail('manifest-type', at, value, 'must be an object');
      return {};
    }
    const known = Object.keys(fields);
    for (const [key, field] of Object.entries(value)) {
      if (!known.includes(key)) this.fail('manifest-unknown-field', fieldPath(at, key), field, `unknown field; the fields here are ${known.join(', ')}`);
    }
    for (const key of known) {
      if (fields[key] === 'required' && !(key in value)) this.fail('manifest-missing-field', fieldPath(at, key), undefined, 'is required');
    }
    return value;
  }

  string(at: string, value: unknown, ...rules: Rule[]): string {
    if (value === undefined) return '';
    if (typeof value !== 'string' || value === '') {
      this.fail('manifest-type', at, value, 'must be a non-empty string');
      return '';
    }
    this.problems.push(...check(at, value, ...rules));
    return value;
  }

  list<T>(at: string, value: unknown, item: (at: string, value: unknown) => T): T[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail('manifest-type', at, value, 'must be a list');
      return [];
    }
    return value.map((entry, index) => item(`${at}[${index}]`, entry));
  }

  /** A non-empty list of strings. */
  strings(at: string, value: unknown, ...rules: Rule[]): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length === 0) {
      this.fail('manifest-type', at, value, 'must be a non-empty list of strings');
      return [];
    }
    return this.list(at, value, (itemAt, item) => this.string(itemAt, item, ...rules));
  }

  record<T>(at: string, value: unknown, item: (at: string, value: unknown) => T): Record<string, T> {
    if (value === undefined) return {};
    if (!isObject(value)) {
      this.fail('manifest-type', at, value, 'must be an object of named entries');
      return {};
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => {
        if (!/^[^\s,]+$/.test(key)) this.fail('manifest-key', `${at}[${JSON.stringify(key)}]`, key, 'must be a non-empty key without spaces or commas');
        return [key, item(fieldPath(at, key), entry)];
      }),
    );
  }

  /** Refuses a name two entries share. */
  unique<K extends string>(at: string, entries: Readonly<Record<string, Readonly<Record<K, string>>>>, name: K): void {
    const first = new Map<string, string>();
    for (const [key, entry] of Object.entries(entries)) {
      const value = entry[name];
      const earlier = first.get(value);
      if (value !== '' && earlier !== undefined) {
        this.fail('manifest-duplicate-name', fieldPath(fieldPath(at, key), name), value, `must be unique; ${fieldPath(fieldPath(at, earlier), name)} has it too`);
      }
      if (earlier === undefined) first.set(value, key);
    }
  }
}

/** `:<line>:<column>` of a JSON syntax error, when the parser says where it is. */
function jsonLocation(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset = position !== undefined ? Number(position) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return '';
  const lines = text.slice(0, offset).split('\n');
  return `:${lines.length}:${lines[lines.length - 1].length + 1}`;
}
