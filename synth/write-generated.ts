import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from '../core/framework';
import { TERRAFORM_MODULES } from '../module-export/terraform-modules';
import { RELEASE_MANIFEST_FILE } from '../contract/release-manifest';
import { WIRING_FILE } from '../contract/wiring-file';

const README = `# generated/

Written by \`npx cdktf synth\`; do not edit. A test fails when it is out of date with the TypeScript.

- \`modules/<name>/\`: the constructs as Terraform child modules (variables in, outputs out; no provider, no backend).
- \`stacks/<environment>/\`: each environment's stack, the same as \`cdktf.out/stacks/<environment>/\`, with
  \`wiring.md\`: a diagram of what invokes each function, its layers and where its failures go.
`;

/** An app holding every generated module, synthesized to a scratch directory its caller removes. */
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
  // Only what synth itself wrote: a stack directory also collects Terraform's plan files and
  // working files when cdktf diff or deploy run there, and stacks of removed environments
  // linger until the CLI cleans up after the app.
  const collect = (app: App, name: string, to: string, configName: string) => {
    const from = path.join(app.outdir, 'stacks', name);
    wanted.set(path.join(to, configName), fs.readFileSync(path.join(from, 'cdk.tf.json')));
    for (const file of [RELEASE_MANIFEST_FILE, WIRING_FILE]) {
      if (fs.existsSync(path.join(from, file))) wanted.set(path.join(to, file), fs.readFileSync(path.join(from, file)));
    }
    for (const file of listFiles(path.join(from, 'assets'))) {
      wanted.set(path.join(to, 'assets', file), fs.readFileSync(path.join(from, 'assets', file)));
    }
  };
  for (const name of Object.keys(TERRAFORM_MODULES)) collect(modules, name, path.join('modules', name), 'main.tf.json');
  for (const stack of environments.node.children.filter(TerraformStack.isStack)) {
    collect(environments, stack.node.id, path.join('stacks', stack.node.id), 'cdk.tf.json');
  }

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
