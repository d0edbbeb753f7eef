import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environments } from '../envs/index';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { readTree, tempDir } from './support/synth';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '..');
/** The environment for a synth that writes nothing into the repository. */
function isolated(generatedDir: string): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', LAMBDA_FLEET_GENERATED_DIR: generatedDir };
}

describe('cdktf synth', () => {
  test('the CLI synthesizes one stack per shipped environment', () => {
    const scratch = tempDir('cli');
    const outdir = path.join(scratch, 'out');
    const result = spawnSync('npx', ['cdktf', 'synth', '--output', outdir], {
      cwd: root,
      env: isolated(path.join(scratch, 'generated')),
      encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(
      environments.flatMap((e) => [e.name, bootstrapStackName(e.name)]).sort(),
    );
    for (const { name } of environments) {
      expect(fs.existsSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'))).toBe(true);
    }
  });

  test('output, generated/ included, is byte-for-byte the same on every run', () => {
    // The app command from cdktf.json, as the CLI runs it.
    const { app } = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    const trees = [0, 1].map(() => {
      const scratch = tempDir('deterministic');
      const env = { ...isolated(path.join(scratch, 'out', 'generated')), CDKTF_OUTDIR: path.join(scratch, 'out') };
      const result = spawnSync(app, { cwd: root, shell: true, env, encoding: 'utf8' });
      expect(result.status).toBe(0);
      return readTree(path.join(scratch, 'out'));
    });
    expect(Object.keys(trees[0]).length).toBeGreaterThan(environments.length);
    expect(Object.keys(trees[1]).sort()).toEqual(Object.keys(trees[0]).sort());
    for (const [file, bytes] of Object.entries(trees[0])) {
      expect({ file, same: bytes.equals(trees[1][file]) }).toEqual({ file, same: true });
    }
  });

  test('a crash in the app shows where in the TypeScript it happened', () => {
    const { app } = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    const scratch = tempDir('crash');
    const notADirectory = path.join(scratch, 'generated');
    fs.writeFileSync(notADirectory, ''); // writing generated/ there fails
    const env = { ...isolated(notADirectory), CDKTF_OUTDIR: path.join(scratch, 'out') };
    const result = spawnSync(app, { cwd: root, shell: true, env, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\n\s+at writeGenerated \(.*synth[\\/]write-generated\.ts:\d+:\d+\)\n/);
    expect(result.stderr).not.toMatch(/app-[0-9a-f]+\.js/); // no frame left in the bundle
  });
});
