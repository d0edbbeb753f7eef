import { createHash } from 'node:crypto';

/**
 * CI's alias move in the suite: a canary of version 2, as `functions promote --canary 10` leaves it
 * mid-way, with the record the release command keeps in the description.
 */
export const CI_ALIAS_MOVE = Object.freeze({
  function_version: '2',
  routing_config: { additional_version_weights: { '2': 0.1 } },
  description: "Moved by CI's release command. previous=1 held-back=3",
});

/**
 * Builds a `terraform test` suite for one synthesized stack that proves the ownership contract:
 *
 * 1. `apply` the stack as synthesized: every function gets layer version 1 and code hash A,
 *    and its alias version 1 with no weights.
 * 2. `plan` the same state against a copy of the stack that carries what a CI release changes:
 *    functions on layer version 2 (or with a layer attached if they had none), code hash B and
 *    a new package; layer versions pointing at CI's S3 packages; aliases on version 2 with
 *    weights. Every one of those attributes must keep the value Terraform applied in run 1.
 * 3. `apply` a copy whose aliases are not bound by `ignore_changes` and carry {@link CI_ALIAS_MOVE}:
 *    what CI's `UpdateAlias` leaves in the state.
 * 4. `apply` the stack as synthesized again: every alias keeps CI's version, weights and record
 *    (its description), and the provisioned concurrency, SnapStart, structured logs
 *    (`logging_config`), VPC, KMS key and ephemeral storage the stack configures are still there:
 *    moto drops some of them (see the lifecycle suites), so this suite is where they are proven.
 *
 * Runs 2 to 4 use `state_key` to plan different configurations against one state. Mocked
 * providers cannot tell Terraform which changes force a replacement, so the suite checks the
 * planned attribute values themselves rather than the planned action.
 */
export function ownershipContract(stack: any): { testFile: string; ciReleased: any; ciMovedAliases: any } {
  const provider = stack.provider.aws[0];
  const region: string = provider.region;
  const account: string = provider.allowed_account_ids[0];
  const layers: Record<string, any> = stack.resource?.aws_lambda_layer_version ?? {};
  const functions: Record<string, any> = stack.resource?.aws_lambda_function ?? {};
  const aliases: Record<string, any> = stack.resource?.aws_lambda_alias ?? {};
  const provisioned: Record<string, any> = stack.resource?.aws_lambda_provisioned_concurrency_config ?? {};
  const hashB = createHash('sha256').update('a release published by CI').digest('base64');
  const hcl = (value: unknown) => JSON.stringify(value);

  const layerArn = (name: string) => `arn:aws:lambda:${region}:${account}:layer:${layers[name].layer_name}`;
  const reference = /^\$\{aws_lambda_layer_version\.([A-Za-z0-9_-]+)\.arn\}$/;
  /** The layer ARNs a function's `layers` list resolves to when every layer is at `version`. */
  const layersAt = (list: readonly string[] | undefined, version: 1 | 2) =>
    (list ?? []).map((entry) => {
      const match = entry.match(reference);
      if (match) return `${layerArn(match[1])}:${version}`;
      return version === 1 ? entry : entry.replace(/:(\d+)$/, (_, n) => `:${Number(n) + 1}`);
    });

  /** What a CI release changes, by resource type: attribute → released value (null: removed). */
  const release: Record<string, (resource: any) => Record<string, unknown>> = {
    aws_lambda_function: (fn) => {
      const released = layersAt(fn.layers, 2);
      return {
        layers: released.length > 0 ? released : [`arn:aws:lambda:${region}:${account}:layer:ci-attached:2`],
        source_code_hash: hashB,
        filename: 'ci-release.zip',
      };
    },
    aws_lambda_alias: () => ({ ...CI_ALIAS_MOVE }),
    aws_lambda_layer_version: (layer) => ({
      filename: null,
      s3_bucket: 'ci-artifacts',
      s3_key: `layers/${layer.layer_name}-release-2.zip`,
      s3_object_version: 'release-2',
      source_code_hash: hashB,
    }),
  };
  /** The value Terraform applied in run 1, as state holds it (path.module is "." in a root module). */
  const applied = (type: string, resource: any, attribute: string): unknown => {
    if (type === 'aws_lambda_function' && attribute === 'layers') return layersAt(resource.layers, 1);
    // The function's version 1, published on create (mocked below); no weights: an empty block list.
    if (type === 'aws_lambda_alias' && attribute === 'function_version') return '1';
    if (type === 'aws_lambda_alias' && attribute === 'routing_config') return [];
    const value = resource[attribute];
    return typeof value === 'string' ? value.replace('${path.module}', '.') : (value ?? null);
  };

  const ciReleased = structuredClone(stack);
  delete ciReleased.terraform.backend; // a module under test has no backend of its own
  const ciMovedAliases = structuredClone(ciReleased);
  for (const alias of Object.values<any>(ciMovedAliases.resource?.aws_lambda_alias ?? {})) {
    delete alias.lifecycle;
    Object.assign(alias, structuredClone(CI_ALIAS_MOVE));
  }
  const assertions: string[] = [];
  for (const [type, changes] of Object.entries(release)) {
    for (const [name, resource] of Object.entries<any>(stack.resource?.[type] ?? {})) {
      const address = `${type}.${name}`;
      const copy = ciReleased.resource[type][name];
      for (const [attribute, value] of Object.entries(changes(resource))) {
        if (value === null) delete copy[attribute];
        else copy[attribute] = value;
        // An omitted list is null in state; compare it as an empty one.
        const planned = attribute === 'layers' ? `coalesce(${address}.layers, [])` : `${address}.${attribute}`;
        assertions.push(`  assert {
    condition     = jsonencode(${planned}) == ${hcl(JSON.stringify(applied(type, resource, attribute)))}
    error_message = "${address}.${attribute} would become $\{jsonencode(${address}.${attribute})}: Terraform would revert what CI released"
  }`);
      }
    }
  }

  const overrides = [
    ...Object.keys(layers).map(
      (name) => `  override_resource {
    target = aws_lambda_layer_version.${name}
    values = { arn = ${hcl(`${layerArn(name)}:1`)}, layer_arn = ${hcl(layerArn(name))}, version = "1" }
  }`,
    ),
    ...Object.entries(functions).map(
      ([name, fn]) => `  override_resource {
    target = aws_lambda_function.${name}
    values = { arn = ${hcl(`arn:aws:lambda:${region}:${account}:function:${fn.function_name}`)}, version = "1" }
  }`,
    ),
  ];

  /** After CI's move and Terraform's next apply: CI's alias versions, and what Terraform configures beside them. */
  const keptAfterApply = [
    ...Object.keys(aliases).map(
      (name) => `  assert {
    condition     = aws_lambda_alias.${name}.function_version == ${hcl(CI_ALIAS_MOVE.function_version)} && jsonencode(aws_lambda_alias.${name}.routing_config) == ${hcl(JSON.stringify([CI_ALIAS_MOVE.routing_config]))} && aws_lambda_alias.${name}.description == ${hcl(CI_ALIAS_MOVE.description)}
    error_message = "aws_lambda_alias.${name} would go back to version $\{aws_lambda_alias.${name}.function_version} with weights $\{jsonencode(aws_lambda_alias.${name}.routing_config)} and description $\{jsonencode(aws_lambda_alias.${name}.description)}: Terraform would revert CI's alias move"
  }`,
    ),
    ...Object.entries(provisioned).map(
      ([name, config]) => `  assert {
    condition     = aws_lambda_provisioned_concurrency_config.${name}.provisioned_concurrent_executions == ${config.provisioned_concurrent_executions} && aws_lambda_provisioned_concurrency_config.${name}.qualifier == ${hcl(aliasNamed(config.qualifier))}
    error_message = "aws_lambda_provisioned_concurrency_config.${name} should keep ${config.provisioned_concurrent_executions} instances on the alias"
  }`,
    ),
    ...Object.entries(functions)
      .filter(([, fn]) => fn.snap_start)
      .map(
        ([name]) => `  assert {
    condition     = aws_lambda_function.${name}.snap_start[0].apply_on == "PublishedVersions"
    error_message = "aws_lambda_function.${name} should keep SnapStart on published versions"
  }`,
      ),
    ...Object.entries(functions).flatMap(([name, fn]) => keptSettings(`aws_lambda_function.${name}`, fn)),
    ...aliasTargets(),
    ...Object.entries<any>(stack.resource?.aws_sqs_queue ?? {})
      .filter(([, queue]) => queue.redrive_policy)
      .map(([name, queue]) => {
        const policy = JSON.parse(queue.redrive_policy);
        const target = /^\$\{(aws_sqs_queue\.[A-Za-z0-9_-]+\.arn)\}$/.exec(policy.deadLetterTargetArn)?.[1] ?? hcl(policy.deadLetterTargetArn);
        return `  assert {
    condition     = jsondecode(aws_sqs_queue.${name}.redrive_policy).deadLetterTargetArn == ${target} && jsondecode(aws_sqs_queue.${name}.redrive_policy).maxReceiveCount == ${policy.maxReceiveCount}
    error_message = "aws_sqs_queue.${name} should keep its redrive policy: $\{aws_sqs_queue.${name}.redrive_policy}"
  }`;
      }),
  ];
  /**
   * Every trigger that names an alias (an event source mapping's function_name, an integration's
   * integration_uri, a permission's qualifier, a schedule's target…) still names it after CI's
   * move and the next apply: a top-level attribute whose value is a reference to an alias.
   */
  function aliasTargets(): string[] {
    const reference = /^\$\{aws_lambda_alias\.([A-Za-z0-9_-]+)\.(arn|name|invoke_arn)\}$/;
    return Object.entries<Record<string, any>>(stack.resource ?? {})
      .filter(([type]) => type !== 'aws_lambda_alias')
      .flatMap(([type, resources]) =>
        Object.entries<any>(resources).flatMap(([name, resource]) =>
          Object.entries<any>(resource)
            .filter(([, value]) => typeof value === 'string' && reference.test(value) && resource.count === undefined && resource.for_each === undefined)
            .map(([attribute, value]) => {
              const [, alias, part] = reference.exec(value)!;
              return `  assert {
    condition     = ${type}.${name}.${attribute} == aws_lambda_alias.${alias}.${part}
    error_message = "${type}.${name} should still invoke the alias through ${attribute}, not $\{${type}.${name}.${attribute}}"
  }`;
            }),
        ),
      );
  }
  /**
   * The settings moto drops or cannot hold (structured logs), and the function's VPC and
   * ephemeral storage, as configured: each must survive the alias move and the apply after it.
   */
  function keptSettings(address: string, fn: any): string[] {
    const kept: [string, string][] = [];
    const logging = fn.logging_config;
    if (logging) {
      const levels = ['application_log_level', 'system_log_level'].map((level) => `${address}.logging_config[0].${level} == ${hcl(logging[level] ?? null)}`);
      kept.push([
        `${address}.logging_config[0].log_format == ${hcl(logging.log_format)} && ${levels.join(' && ')} && ${address}.logging_config[0].log_group == ${hcl(logGroupNamed(logging.log_group))}`,
        `should keep its logging_config (${logging.log_format} into its own log group)`,
      ]);
    }
    if (fn.ephemeral_storage) kept.push([`${address}.ephemeral_storage[0].size == ${fn.ephemeral_storage.size}`, `should keep ${fn.ephemeral_storage.size} MB of /tmp`]);
    if (fn.vpc_config) {
      kept.push([
        `${address}.vpc_config[0].subnet_ids == toset(${hcl(fn.vpc_config.subnet_ids)}) && ${address}.vpc_config[0].security_group_ids == toset(${hcl(fn.vpc_config.security_group_ids)})`,
        'should stay in its VPC',
      ]);
    }
    if (fn.kms_key_arn) kept.push([`${address}.kms_key_arn == ${hcl(fn.kms_key_arn)}`, 'should keep the KMS key of its environment variables']);
    // try(): a block that is gone is an empty list, which has no [0].
    return kept.map(
      ([condition, words]) => `  assert {
    condition     = try(${condition}, false)
    error_message = "${address} ${words}"
  }`,
    );
  }
  /** The name of the log group a reference such as `\${aws_cloudwatch_log_group.api_log_group.name}` points to. */
  function logGroupNamed(reference: string): string {
    const match = /^\$\{aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)\.name\}$/.exec(reference);
    return match ? stack.resource.aws_cloudwatch_log_group[match[1]].name : reference;
  }
  /** The name of the alias a reference such as `\${aws_lambda_alias.api_alias.name}` points to. */
  function aliasNamed(reference: string): string {
    const match = /^\$\{aws_lambda_alias\.([A-Za-z0-9_-]+)\.name\}$/.exec(reference);
    return match ? aliases[match[1]].name : reference;
  }

  const testFile = `# Generated by the test suite: the ownership contract of this stack.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "${region}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::${account}:role/mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:${region}:${account}:mock"
      url = "https://sqs.${region}.amazonaws.com/${account}/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:${region}:${account}:log-group:/aws/lambda/mock" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      arn           = "arn:aws:apigateway:${region}::/apis/mock"
      execution_arn = "arn:aws:execute-api:${region}:${account}:mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:${region}:${account}:function:mock"
      invoke_arn = "arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:mock/invocations"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:${region}:${account}:function:mock:live"
      invoke_arn = "arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:mock:live/invocations"
    }
  }
  mock_resource "aws_lambda_layer_version" {
    defaults = {
      arn       = "arn:aws:lambda:${region}:${account}:layer:mock:1"
      layer_arn = "arn:aws:lambda:${region}:${account}:layer:mock"
      version   = "1"
    }
  }
}

run "terraform_creates_the_stack" {
  command   = apply
  state_key = "stack"
${[...overrides, ...assertions].join('\n')}
}

run "ci_released_new_versions" {
  command   = plan
  state_key = "stack"
  module {
    source = "./ci-released"
  }
${assertions.join('\n')}
}

run "ci_moved_the_aliases" {
  command   = apply
  state_key = "stack"
  module {
    source = "./ci-moved-aliases"
  }
}

run "terraform_applies_again" {
  command   = apply
  state_key = "stack"
${keptAfterApply.join('\n')}
}
`;
  return { testFile, ciReleased, ciMovedAliases };
}
