import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from '../../core/framework';
import { formatProblem } from '../../core/problems';
import { collectProblems } from '../../synth/collect-problems';

/** A stack in a throwaway app, with the AWS provider that resources need. */
export function testStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  return stack;
}

/** Synthesized Terraform JSON of a stack, parsed. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The single resource of a type in synthesized JSON, or fails. */
export function onlyResource(json: any, type: string): any {
  const found = Object.values(json.resource?.[type] ?? {});
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** All resources of a type, by Terraform name. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** Problems the constructs under the stack report, as their stable code and field: `memory-size memorySize`. */
export function problemsOf(stack: TerraformStack): string[] {
  return collectProblems(stack).map((p) => `${p.code} ${p.field}`);
}

/** Problems the constructs under the stack report, in words, without their `[env] path:` prefix. */
export function messagesOf(stack: TerraformStack): string[] {
  return collectProblems(stack).map((p) => formatProblem({ ...p, path: undefined }));
}

/**
 * A fresh temporary directory, inside the test file's own (TMPDIR), which is removed after the
 * file's tests (temporary-directory-environment.ts).
 */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Every file below a directory with its bytes, keyed by relative path. */
export function readTree(root: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}
