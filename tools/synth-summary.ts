import * as fs from 'node:fs';
import * as path from 'node:path';

/** The marker that lets CI find and update its own pull-request comment. */
export const SUMMARY_MARKER = '<!-- synth-summary -->';

/** What changed in one synthesized stack or module between two generated/ trees. */
export interface StackChanges {
  readonly stack: string;
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { readonly address: string; readonly attributes: string[] }[];
  /** Changes to IAM resources or permissions: every one is called out. */
  readonly iam: string[];
  /** Changes to what Terraform leaves to CI: every one is called out. */
  readonly ignoreChanges: string[];
}

const PERMISSION_TYPES = /^aws_(iam_|lambda_permission$|s3_bucket_policy$)/;

/** The configuration files of a generated/ tree, by stack: stacks/<env> and modules/<name>. */
function configurations(generated: string): Map<string, any> {
  const found = new Map<string, any>();
  for (const [kind, file] of [
    ['stacks', 'cdk.tf.json'],
    ['modules', 'main.tf.json'],
  ]) {
    const dir = path.join(generated, kind);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const config = path.join(dir, name, file);
      if (fs.existsSync(config)) found.set(`${kind}/${name}`, JSON.parse(fs.readFileSync(config, 'utf8')));
    }
  }
  return found;
}

/** Resources by address, without cdktf's metadata. */
function resources(config: any): Map<string, any> {
  const out = new Map<string, any>();
  for (const [type, byName] of Object.entries<any>(config?.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName)) {
      const { '//': _metadata, ...rest } = body;
      out.set(`${type}.${name}`, rest);
    }
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares two generated/ trees, stack by stack. Stacks without changes are left out. */
export function compareGenerated(baseDir: string, headDir: string): StackChanges[] {
  const base = configurations(baseDir);
  const head = configurations(headDir);
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
  return stacks
    .map((stack) => {
      const before = resources(base.get(stack));
      const after = resources(head.get(stack));
      const added = [...after.keys()].filter((a) => !before.has(a)).sort();
      const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
      const changed = [...after.keys()]
        .filter((a) => before.has(a) && !same(before.get(a), after.get(a)))
        .sort()
        .map((address) => {
          const [old, now] = [before.get(address), after.get(address)];
          const attributes = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((k) => !same(old[k], now[k])).sort();
          return { address, attributes };
        });
      const type = (address: string) => address.split('.')[0];
      const iam = [
        ...added.filter((a) => PERMISSION_TYPES.test(type(a))).map((a) => `${a} added`),
        ...removed.filter((a) => PERMISSION_TYPES.test(type(a))).map((a) => `${a} removed`),
        ...changed.filter((c) => PERMISSION_TYPES.test(type(c.address))).map((c) => `${c.address} changed (${c.attributes.join(', ')})`),
      ];
      const ignored = (body: any) => body?.lifecycle?.ignore_changes ?? [];
      const ignoreChanges = changed
        .filter((c) => !same(ignored(before.get(c.address)), ignored(after.get(c.address))))
        .map((c) => `${c.address}: [${ignored(before.get(c.address)).join(', ')}] → [${ignored(after.get(c.address)).join(', ')}]`);
      return { stack, added, removed, changed, iam, ignoreChanges };
    })
    .filter((c) => c.added.length + c.removed.length + c.changed.length > 0);
}

/** The pull-request comment: a table per stack, then the details, IAM and ignore_changes first. */
export function renderSummary(changes: readonly StackChanges[]): string {
  const lines = [SUMMARY_MARKER, '### Synthesized Terraform', ''];
  if (changes.length === 0) return [...lines, 'No change to the synthesized Terraform.', ''].join('\n');
  lines.push('| Stack | Added | Removed | Changed | IAM | ignore_changes |', '|---|---:|---:|---:|---:|---:|');
  for (const c of changes) {
    lines.push(`| \`${c.stack}\` | ${c.added.length} | ${c.removed.length} | ${c.changed.length} | ${c.iam.length} | ${c.ignoreChanges.length} |`);
  }
  for (const c of changes) {
    lines.push('', `#### \`${c.stack}\``);
    for (const item of c.iam) lines.push(`- **IAM:** \`${item}\``);
    for (const item of c.ignoreChanges) lines.push(`- **ignore_changes (what CI owns) changed:** \`${item}\``);
    for (const address of c.added) lines.push(`- added \`${address}\``);
    for (const address of c.removed) lines.push(`- removed \`${address}\``);
    for (const { address, attributes } of c.changed) lines.push(`- changed \`${address}\` (${attributes.join(', ')})`);
  }
  return [...lines, ''].join('\n');
}

if (require.main === module) {
  const [baseDir, headDir] = process.argv.slice(2);
  if (!baseDir || !headDir) {
    process.stderr.write('Usage: npm run synth-summary -- <base generated/ dir> <head generated/ dir>\n');
    process.exitCode = 2;
  } else {
    process.stdout.write(renderSummary(compareGenerated(baseDir, headDir)));
  }
}
