import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { TERRAFORM_MODULES } from '../terraform-modules';

const README = `# generated/

Written by \`npx cdktf synth\`; do not edit. A test fails when it is out of date with the TypeScript.

- \`modules/<name>/\`: the constructs as Terraform child modules (variables in, outputs out; no provider, no backend).
- \`stacks/<environment>/\`: each environment's stack, the same as \`cdktf.out/stacks/<environment>/\`.
`;

/** An app holding every generated module, synthesized to a scratch directory. */
export function buildModules(): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-fleet-modules-')), skipValidation: true });
  for (const make of Object.values(TERRAFORM_MODULES)) make(app);
  return app;
}

/**
 * Brings `generatedDir` in line with the synthesized modules and environment stacks. Files whose
 * bytes are unchanged are not touched, files no longer produced are removed, and `.terraform*`
 * entries (from running Terraform in place) are kept.
 */
export function writeGenerated(modules: App, environments: App, generatedDir: string): void {
  const wanted = new Map<string, Buffer>([['README.md', Buffer.from(README)]]);
  const collect = (from: string, to: string, rename: Record<string, string> = {}) => {
    for (const file of listFiles(from)) {
      wanted.set(path.join(to, rename[file] ?? file), fs.readFileSync(path.join(from, file)));
    }
  };
  for (const name of Object.keys(TERRAFORM_MODULES)) {
    collect(path.join(modules.outdir, 'stacks', name), path.join('modules', name), { 'cdk.tf.json': 'main.tf.json' });
  }
  for (const stack of fs.readdirSync(path.join(environments.outdir, 'stacks')).sort()) {
    const from = path.join(environments.outdir, 'stacks', stack);
    collect(from, path.join('stacks', stack));
  }
  fs.rmSync(modules.outdir, { recursive: true, force: true });

  for (const [file, bytes] of wanted) {
    const target = path.join(generatedDir, file);
    if (fs.existsSync(target) && fs.readFileSync(target).equals(bytes)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  for (const file of listFiles(generatedDir)) {
    if (!wanted.has(file)) fs.rmSync(path.join(generatedDir, file));
  }
  removeEmptyDirectories(generatedDir);
}

/** Files below `root`, relative to it, skipping Terraform's working files. */
function listFiles(root: string, below = ''): string[] {
  const dir = path.join(root, below);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.terraform'))
    .flatMap((entry) => {
      const relative = path.join(below, entry.name);
      return entry.isDirectory() ? listFiles(root, relative) : [relative];
    });
}

function removeEmptyDirectories(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.terraform')) continue;
    const child = path.join(dir, entry.name);
    removeEmptyDirectories(child);
    if (fs.readdirSync(child).length === 0) fs.rmdirSync(child);
  }
}
