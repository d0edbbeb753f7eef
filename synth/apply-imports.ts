import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformResource, TerraformStack } from '../core/framework';
import { IMPORTS_DIRECTORY, importsFilePath, parseImportsFile } from '../contract/imports-file';
import { didYouMean } from '../core/nearest-name';
import { Problem, problem } from '../core/problems';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { resourcesByAddress } from '../stacks/readable-stack';
import { EnvironmentConfig } from '../stacks/environment-config';

/**
 * An imported layer version is the team's, as published: its description and licence (a build
 * note, a CI's content hash) are its own, not reasons to replace it, and it has no skip_destroy
 * in its state (the provider cannot read it back), so Terraform would delete it on a replacement
 * or a destroy: prevent_destroy refuses both instead.
 */
function adoptLayerVersion(resource: TerraformResource): void {
  const ignored = resource.lifecycle?.ignoreChanges;
  resource.lifecycle = {
    ...resource.lifecycle,
    preventDestroy: true,
    ignoreChanges: ignored === 'all' ? ignored : [...(ignored ?? []), ...ADOPTED_LAYER_VERSION_OWN_ATTRIBUTES],
  };
}

/** What an adopted layer version keeps as it was published (see {@link adoptLayerVersion}); adopt does not compare them. */
export const ADOPTED_LAYER_VERSION_OWN_ATTRIBUTES = Object.freeze(['description', 'license_info'] as const);

/**
 * Reads each environment's import file (`envs/imports/<env>.json`, written by `npm run adopt`;
 * `<env>.emulator.json` with a local endpoint, `emulator`),
 * where there is one, and has every resource it names imported (a Terraform `import` block), so
 * the next deploy takes over what already exists instead of failing to create it. Returns the
 * problems: a malformed file, another environment's, a stack or resource address the
 * environment does not have. With problems, synth writes nothing (they are reported with the
 * config's). Terraform ignores an `import` block for a resource already in its state, so the
 * file stays committed after the deploy that imported it.
 */
export function applyImportFiles(
  app: App,
  environments: readonly EnvironmentConfig[],
  directory: string = IMPORTS_DIRECTORY,
  emulator = false,
): Problem[] {
  return environments.flatMap((environment) => {
    const file = importsFilePath(environment.name, directory, emulator);
    if (!fs.existsSync(file)) return [];
    const stacks = [environment.name, bootstrapStackName(environment.name)];
    const { imports, problems } = parseImportsFile(fs.readFileSync(file, 'utf8'), path.normalize(file), { environment: environment.name, stacks });
    if (!imports) return problems;
    const found: Problem[] = [];
    const byStack = new Map<string, Map<string, TerraformResource>>();
    imports.imports.forEach((entry, index) => {
      const stack = app.node.tryFindChild(entry.stack);
      if (!stack || !TerraformStack.isStack(stack)) return; // not built: its config's problems are reported
      const resources = byStack.get(entry.stack) ?? resourcesByAddress(stack);
      byStack.set(entry.stack, resources);
      const resource = resources.get(entry.address);
      if (resource) {
        resource.importFrom(entry.id);
        if (resource.terraformResourceType === 'aws_lambda_layer_version') adoptLayerVersion(resource);
        return;
      }
      found.push({
        ...problem(
          'imports-file-unknown-address',
          `imports[${index}].address`,
          entry.address,
          `is not a resource of stack ${entry.stack}${didYouMean(entry.address, [...resources.keys()])}; run npm run adopt -- --env ${environment.name} again, or remove the entry`,
        ),
        environment: environment.name,
        path: path.normalize(file),
      });
    });
    return found;
  });
}
