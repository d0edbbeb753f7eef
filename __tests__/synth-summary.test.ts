import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { staging } from '../envs/staging';
import { WIRING_FILE } from '../contract/wiring-file';
import { wiringMarkdown } from '../stacks/wiring-diagram';
import { changesBetween, renderSummary, SUMMARY_MARKER, wiringChangesBetween } from '../tools/synth-summary';
import { tempDir } from './support/synth';

const generated = path.resolve(__dirname, '..', 'generated');

/** A copy of generated/ with one configuration edited, the staging stack unless told. */
function edited(change: (config: any) => void, config = 'stacks/staging/cdk.tf.json'): string {
  const dir = path.join(tempDir('summary'), 'generated');
  fs.cpSync(generated, dir, { recursive: true });
  const file = path.join(dir, config);
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(stack);
  fs.writeFileSync(file, JSON.stringify(stack, null, 2));
  return dir;
}

describe('synth summary for pull requests', () => {
  test('says so when nothing changed', () => {
    expect(changesBetween(generated, generated)).toEqual([]);
    expect(renderSummary([])).toBe(`${SUMMARY_MARKER}\n### Synthesized Terraform\n\nNo change to the synthesized Terraform.\n`);
  });

  test('lists resources added, removed and changed per stack, with the changed attributes', () => {
    const head = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.memory_size = 2048;
      delete stack.resource.aws_scheduler_schedule;
      stack.resource.aws_cloudwatch_log_group.extra_log_group = { name: '/aws/lambda/extra', retention_in_days: 7 };
    });
    expect(changesBetween(generated, head)).toEqual([
      {
        stack: 'stacks/staging',
        added: ['aws_cloudwatch_log_group.extra_log_group'],
        removed: ['aws_scheduler_schedule.cleanup_schedules_cleanup'],
        changed: [{ address: 'aws_lambda_function.api_function', attributes: ['memory_size'] }],
        accountGuard: [],
        backend: [],
        iam: [],
        // a schedule is one way to invoke a function
        invokers: [expect.stringMatching(/^aws_scheduler_schedule\.cleanup_schedules_cleanup removed \(was target=\{.*\}, state=ENABLED, schedule_expression=rate\(1 day\)\)$/)],
        ignoreChanges: [],
        externalLayers: [],
      },
    ]);
  });

  test('calls out every change to IAM and to what CI owns', () => {
    const head = edited((stack) => {
      const policy = stack.resource.aws_iam_role_policy.api_extra_policy;
      policy.policy = policy.policy.replace('sqs:SendMessage', 'sqs:SendMessageBatch');
      stack.resource.aws_lambda_function.eval_worker_function.lifecycle.ignore_changes = ['filename'];
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.iam).toEqual(['aws_iam_role_policy.api_extra_policy changed (policy)']);
    expect(changes.ignoreChanges).toEqual([
      'aws_lambda_function.eval_worker_function: [filename, s3_bucket, s3_key, s3_object_version, source_code_hash, layers, publish] → [filename]',
    ]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 2 | 0 | 0 | 1 | 0 | 1 | 0 |');
    expect(markdown).toContain('- **IAM:** `aws_iam_role_policy.api_extra_policy changed (policy)`');
    expect(markdown).toContain('- **ignore_changes (what CI owns) changed:** `aws_lambda_function.eval_worker_function: [filename, s3_bucket');
  });

  test('calls out a function URL that becomes public, and the permission that lets anyone in, as who can invoke', () => {
    const url = (authorizationType: string) => ({
      function_name: '${aws_lambda_function.api_function.function_name}',
      qualifier: '${aws_lambda_alias.api_alias.name}',
      authorization_type: authorizationType,
    });
    const base = edited((stack) => {
      stack.resource.aws_lambda_function_url = { api_function_url: url('AWS_IAM') };
    });
    const head = edited((stack) => {
      stack.resource.aws_lambda_function_url = { api_function_url: url('NONE') };
      stack.resource.aws_lambda_permission.api_function_url_permission = {
        action: 'lambda:InvokeFunctionUrl',
        function_name: '${aws_lambda_function.api_function.function_name}',
        function_url_auth_type: 'NONE',
        principal: '*',
        qualifier: '${aws_lambda_alias.api_alias.name}',
        statement_id: 'AllowPublicFunctionUrl',
      };
    });
    const [changes] = changesBetween(base, head);
    expect(changes.invokers).toEqual([
      'aws_lambda_permission.api_function_url_permission added (action=lambda:InvokeFunctionUrl, function_name=${aws_lambda_function.api_function.function_name}, function_url_auth_type=NONE, principal=*, qualifier=${aws_lambda_alias.api_alias.name}, statement_id=AllowPublicFunctionUrl): open to any principal',
      'aws_lambda_function_url.api_function_url changed (authorization_type: AWS_IAM → NONE): now public: anyone on the internet can invoke it',
    ]);
    expect(changes.iam).toEqual([]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 1 | 0 | 1 | 0 | 0 | 0 | 2 | 0 | 0 |');
    expect(markdown).toContain(
      '- **Who can invoke (permissions, function URLs, routes, authorizers, event sources, schedules):** `aws_lambda_function_url.api_function_url changed (authorization_type: AWS_IAM → NONE): now public: anyone on the internet can invoke it`',
    );
    // and back: no longer public, the permission removed
    expect(changesBetween(head, base)[0].invokers).toEqual([
      'aws_lambda_permission.api_function_url_permission removed (was action=lambda:InvokeFunctionUrl, function_name=${aws_lambda_function.api_function.function_name}, function_url_auth_type=NONE, principal=*, qualifier=${aws_lambda_alias.api_alias.name}, statement_id=AllowPublicFunctionUrl)',
      'aws_lambda_function_url.api_function_url changed (authorization_type: NONE → AWS_IAM): no longer public',
    ]);
  });

  test("calls out a change to a function's permissions (not as IAM), but not a function URL's CORS", () => {
    const head = edited((stack) => {
      stack.resource.aws_lambda_permission.api_public_http_api_permission.source_arn = '${aws_apigatewayv2_api.public_http_api_api.execution_arn}/*';
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.invokers).toEqual([
      'aws_lambda_permission.api_public_http_api_permission changed (source_arn: ${aws_apigatewayv2_api.public_http_api_api.execution_arn}/*/* → ${aws_apigatewayv2_api.public_http_api_api.execution_arn}/*)',
    ]);
    expect(changes.iam).toEqual([]);
    const withUrl = (cors: object) =>
      edited((stack) => {
        stack.resource.aws_lambda_function_url = { api_function_url: { function_name: 'x', authorization_type: 'AWS_IAM', cors } };
      });
    const [corsOnly] = changesBetween(withUrl({ allow_origins: ['https://a.example.com'] }), withUrl({ allow_origins: ['*'] }));
    expect(corsOnly.changed).toEqual([{ address: 'aws_lambda_function_url.api_function_url', attributes: ['cors'] }]);
    expect(corsOnly.invokers).toEqual([]);
  });

  test("calls out HTTP API routes that lose their authorizer, and the authorizer's removal", () => {
    const route = (authorized: boolean) => ({
      api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
      route_key: 'GET /books',
      target: 'integrations/${aws_apigatewayv2_integration.api_public_http_api_integration.id}',
      authorization_type: authorized ? 'JWT' : 'NONE',
      ...(authorized ? { authorizer_id: '${aws_apigatewayv2_authorizer.public_http_api_authorizer.id}' } : {}),
    });
    const authorizer = {
      api_id: '${aws_apigatewayv2_api.public_http_api_api.id}',
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: { audience: ['shop-web'], issuer: 'https://auth.example.com/' },
      name: 'jwt',
    };
    const base = edited((stack) => {
      stack.resource.aws_apigatewayv2_authorizer = { public_http_api_authorizer: authorizer };
      stack.resource.aws_apigatewayv2_route = { public_http_api_route_get_books: route(true) };
    });
    const head = edited((stack) => {
      stack.resource.aws_apigatewayv2_route = { public_http_api_route_get_books: route(false) };
      stack.resource.aws_apigatewayv2_route.public_http_api_route_post_books = { ...route(true), route_key: 'POST /books' };
    });
    expect(changesBetween(base, head)[0].invokers).toEqual([
      'aws_apigatewayv2_route.public_http_api_route_post_books added (route_key=POST /books, target=integrations/${aws_apigatewayv2_integration.api_public_http_api_integration.id}, authorization_type=JWT, authorizer_id=${aws_apigatewayv2_authorizer.public_http_api_authorizer.id})',
      'aws_apigatewayv2_authorizer.public_http_api_authorizer removed (was api_id=${aws_apigatewayv2_api.public_http_api_api.id}, authorizer_type=JWT, identity_sources=["$request.header.Authorization"], jwt_configuration={"audience":["shop-web"],"issuer":"https://auth.example.com/"}, name=jwt)',
      'aws_apigatewayv2_route.public_http_api_route_get_books changed (authorization_type: JWT → NONE; authorizer_id: ${aws_apigatewayv2_authorizer.public_http_api_authorizer.id} → (none)): now open: no authorizer',
    ]);
  });

  test('calls out event source mappings added, removed, disabled, filtered or pointed at another queue or function: whoever can send to that queue now drives the function', () => {
    const legacy = {
      event_source_arn: 'arn:aws:sqs:us-west-2:222222222222:legacy-jobs',
      function_name: '${aws_lambda_alias.api_alias.arn}',
      enabled: true,
      batch_size: 10,
    };
    const head = edited((stack) => {
      const mappings = stack.resource.aws_lambda_event_source_mapping;
      mappings.analysis_worker_analysis_jobs_event_source_mapping.event_source_arn = '${aws_sqs_queue.eval_jobs_queue_queue.arn}';
      mappings.eval_worker_eval_jobs_event_source_mapping.filter_criteria = { filter: [{ pattern: '{"body":{"kind":["eval"]}}' }] };
      mappings.eval_worker_eval_jobs_event_source_mapping.enabled = false;
      // how much it reads at once, not who drives it
      mappings.eval_worker_eval_jobs_event_source_mapping.batch_size = 5;
      mappings.api_legacy_event_source_mapping = legacy;
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.invokers).toEqual([
      'aws_lambda_event_source_mapping.api_legacy_event_source_mapping added (event_source_arn=arn:aws:sqs:us-west-2:222222222222:legacy-jobs, function_name=${aws_lambda_alias.api_alias.arn}, enabled=true): whoever can send to arn:aws:sqs:us-west-2:222222222222:legacy-jobs now drives the function',
      'aws_lambda_event_source_mapping.analysis_worker_analysis_jobs_event_source_mapping changed (event_source_arn: ${aws_sqs_queue.analysis_jobs_queue_queue.arn} → ${aws_sqs_queue.eval_jobs_queue_queue.arn}): whoever can send to ${aws_sqs_queue.eval_jobs_queue_queue.arn} now drives the function',
      'aws_lambda_event_source_mapping.eval_worker_eval_jobs_event_source_mapping changed (enabled: true → false; filter_criteria: (none) → {"filter":[{"pattern":"{\\"body\\":{\\"kind\\":[\\"eval\\"]}}"}]}): ${aws_sqs_queue.eval_jobs_queue_queue.arn} no longer drives the function',
    ]);
    expect(changes.iam).toEqual([]);
    expect(renderSummary([changes])).toContain(
      '- **Who can invoke (permissions, function URLs, routes, authorizers, event sources, schedules):** `aws_lambda_event_source_mapping.api_legacy_event_source_mapping added',
    );
    // and back: removed, enabled again
    expect(changesBetween(head, generated)[0].invokers).toEqual([
      'aws_lambda_event_source_mapping.api_legacy_event_source_mapping removed (was event_source_arn=arn:aws:sqs:us-west-2:222222222222:legacy-jobs, function_name=${aws_lambda_alias.api_alias.arn}, enabled=true)',
      'aws_lambda_event_source_mapping.analysis_worker_analysis_jobs_event_source_mapping changed (event_source_arn: ${aws_sqs_queue.eval_jobs_queue_queue.arn} → ${aws_sqs_queue.analysis_jobs_queue_queue.arn}): whoever can send to ${aws_sqs_queue.analysis_jobs_queue_queue.arn} now drives the function',
      'aws_lambda_event_source_mapping.eval_worker_eval_jobs_event_source_mapping changed (enabled: false → true; filter_criteria: {"filter":[{"pattern":"{\\"body\\":{\\"kind\\":[\\"eval\\"]}}"}]} → (none)): whoever can send to ${aws_sqs_queue.eval_jobs_queue_queue.arn} now drives the function',
    ]);
    // the same queue driving another function
    const retargeted = edited((stack) => {
      stack.resource.aws_lambda_event_source_mapping.eval_worker_eval_jobs_event_source_mapping.function_name = '${aws_lambda_alias.api_alias.arn}';
    });
    expect(changesBetween(generated, retargeted)[0].invokers).toEqual([
      'aws_lambda_event_source_mapping.eval_worker_eval_jobs_event_source_mapping changed (function_name: ${aws_lambda_alias.eval_worker_alias.arn} → ${aws_lambda_alias.api_alias.arn}): whoever can send to ${aws_sqs_queue.eval_jobs_queue_queue.arn} now drives the function',
    ]);
  });

  test('calls out schedules added, removed, retargeted, paused or rescheduled, but not a change to their description', () => {
    const head = edited((stack) => {
      const schedule = stack.resource.aws_scheduler_schedule.cleanup_schedules_cleanup;
      stack.resource.aws_scheduler_schedule.api_schedules_warm = { ...schedule, name: 'bookshelf-staging-api-warm', schedule_expression: 'rate(5 minutes)', target: { ...schedule.target, arn: '${aws_lambda_alias.api_alias.arn}' } };
      schedule.schedule_expression = 'rate(1 hour)';
      schedule.state = 'DISABLED';
      schedule.target.arn = '${aws_lambda_function.cleanup_function.arn}';
      schedule.description = 'Runs the cleanup';
    });
    const target = (arn: string) =>
      `{"arn":"${arn}","dead_letter_config":{"arn":"\${aws_sqs_queue.cleanup_async_invoke_failure_queue.arn}"},"input":"{}","retry_policy":{"maximum_event_age_in_seconds":86400,"maximum_retry_attempts":185},"role_arn":"\${aws_iam_role.cleanup_schedules_scheduler_role.arn}"}`;
    const [changes] = changesBetween(generated, head);
    expect(changes.invokers).toEqual([
      `aws_scheduler_schedule.api_schedules_warm added (target=${target('${aws_lambda_alias.api_alias.arn}')}, state=ENABLED, schedule_expression=rate(5 minutes))`,
      `aws_scheduler_schedule.cleanup_schedules_cleanup changed (schedule_expression: rate(1 day) → rate(1 hour); state: ENABLED → DISABLED; target: ${target('${aws_lambda_alias.cleanup_alias.arn}')} → ${target('${aws_lambda_function.cleanup_function.arn}')})`,
    ]);
    expect(changesBetween(head, generated)[0].invokers[0]).toBe(
      `aws_scheduler_schedule.api_schedules_warm removed (was target=${target('${aws_lambda_alias.api_alias.arn}')}, state=ENABLED, schedule_expression=rate(5 minutes))`,
    );
    const described = edited((stack) => {
      stack.resource.aws_scheduler_schedule.cleanup_schedules_cleanup.description = 'Runs the cleanup';
    });
    const [descriptionOnly] = changesBetween(generated, described);
    expect(descriptionOnly.changed).toEqual([{ address: 'aws_scheduler_schedule.cleanup_schedules_cleanup', attributes: ['description'] }]);
    expect(descriptionOnly.invokers).toEqual([]);
  });

  test('calls out a change to the external layers a function pins as applied at the next release, with the ARNs before and after', () => {
    const powertools = (version: number) => `arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:${version}`;
    const platform = 'arn:aws:lambda:us-west-2:222222222222:layer:platform-shared:4';
    const base = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.layers.push(powertools(7), platform);
    });
    const head = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.layers.push(powertools(9), platform);
      // the built layers in another order: a layer release applies that; no external layer changed
      stack.resource.aws_lambda_function.eval_worker_function.layers.reverse();
    });
    const [changes] = changesBetween(base, head);
    expect(changes.changed).toEqual([
      { address: 'aws_lambda_function.api_function', attributes: ['layers'] },
      { address: 'aws_lambda_function.eval_worker_function', attributes: ['layers'] },
    ]);
    expect(changes.externalLayers).toEqual([`aws_lambda_function.api_function: [${powertools(7)}, ${platform}] → [${powertools(9)}, ${platform}]`]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 1 |');
    expect(markdown).toContain(
      `- **External layers (applied at the next release, not by Terraform):** \`aws_lambda_function.api_function: [${powertools(7)}, ${platform}] → [${powertools(9)}, ${platform}]\``,
    );
  });

  test('calls out external layers pinned, reordered or dropped, but not those of a function Terraform creates or updates itself', () => {
    const powertools = 'arn:aws:lambda:us-west-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:9';
    const platform = 'arn:aws:lambda:us-west-2:222222222222:layer:platform-shared:4';
    const base = edited((stack) => {
      stack.resource.aws_lambda_function.eval_worker_function.layers.push(powertools, platform);
      stack.resource.aws_lambda_function.cleanup_function.layers.push(powertools);
    });
    const head = edited((stack) => {
      const functions = stack.resource.aws_lambda_function;
      functions.api_function.layers.push(powertools); // pinned
      functions.eval_worker_function.layers.push(platform, powertools); // reordered
      functions.extra_function = { ...functions.cleanup_function, function_name: 'extra', layers: [powertools] }; // created with it
      // no longer left to CI: the next apply sets them (the ignore_changes call-out says so)
      functions.cleanup_function.lifecycle = { ignore_changes: ['filename'] };
    });
    const [changes] = changesBetween(base, head);
    expect(changes.externalLayers).toEqual([
      `aws_lambda_function.api_function: [] → [${powertools}]`,
      `aws_lambda_function.eval_worker_function: [${powertools}, ${platform}] → [${platform}, ${powertools}]`,
    ]);
    // dropped
    expect(changesBetween(base, generated)[0].externalLayers).toEqual([
      `aws_lambda_function.cleanup_function: [${powertools}] → []`,
      `aws_lambda_function.eval_worker_function: [${powertools}, ${platform}] → []`,
    ]);
  });

  test('calls out a change to the accounts the provider may act in', () => {
    const head = edited((stack) => {
      stack.provider.aws[0].allowed_account_ids = ['333333333333'];
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([{ address: 'provider.aws', attributes: ['allowed_account_ids'] }]);
    expect(changes.accountGuard).toEqual(['provider.aws changed (allowed_account_ids)']);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('- **Account guard (which account, which endpoints):** `provider.aws changed (allowed_account_ids)`');
  });

  test('calls out provider endpoints added, and a provider block added, but not a change to default tags', () => {
    const head = edited((stack) => {
      stack.provider.aws[0].endpoints = [{ sts: 'https://sts.example.com' }];
      stack.provider.aws[0].default_tags[0].tags.Team = 'books';
      stack.provider.aws.push({ alias: 'east', region: 'us-east-1' });
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.added).toEqual(['provider.aws.east']);
    expect(changes.changed).toEqual([{ address: 'provider.aws', attributes: ['default_tags', 'endpoints'] }]);
    expect(changes.accountGuard).toEqual(['provider.aws.east added', 'provider.aws changed (endpoints)']);
  });

  test('calls out a change to the state backend', () => {
    const head = edited((stack) => {
      stack.terraform.backend.s3.key = 'bookshelf-prod/terraform.tfstate';
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([{ address: 'terraform.backend.s3', attributes: ['key'] }]);
    expect(changes.backend).toEqual(['terraform.backend.s3 changed (key)']);
    expect(changes.accountGuard).toEqual([]);
    const markdown = renderSummary([changes]);
    expect(markdown).toContain('| `stacks/staging` | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('- **Backend (where the state lives):** `terraform.backend.s3 changed (key)`');
  });

  test('reports the required Terraform version and providers', () => {
    const head = edited((stack) => {
      stack.terraform.required_version = '>= 1.9';
      stack.terraform.required_providers.aws.version = '6.0.0';
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.changed).toEqual([
      { address: 'terraform.required_providers.aws', attributes: ['version'] },
      { address: 'terraform.required_version', attributes: [] },
    ]);
    expect(renderSummary([changes])).toContain('- changed `terraform.required_version`\n');
  });

  test('reports an output removed', () => {
    const head = edited((stack) => {
      delete stack.output.api_function_arn;
    });
    expect(changesBetween(generated, head)).toEqual([
      expect.objectContaining({ stack: 'stacks/staging', added: [], removed: ['output.api_function_arn'], changed: [] }),
    ]);
  });

  test("reports a change to a module variable's validation", () => {
    const head = edited((module) => {
      module.variable.memory_size.validation[0].condition = '${var.memory_size >= 256}';
    }, 'modules/lambda/main.tf.json');
    expect(changesBetween(generated, head)).toEqual([
      expect.objectContaining({ stack: 'modules/lambda', changed: [{ address: 'var.memory_size', attributes: ['validation'] }] }),
    ]);
  });

  test('names data sources, locals and module calls as Terraform does', () => {
    const head = edited((stack) => {
      stack.data = { aws_caller_identity: { current: {} } };
      stack.locals = { prefix: 'bookshelf-staging' };
      stack.module = { extra: { source: '../../modules/lambda', function_name: 'extra' } };
    });
    const [changes] = changesBetween(generated, head);
    expect(changes.added).toEqual(['data.aws_caller_identity.current', 'local.prefix', 'module.extra']);
  });

  test("ignores cdktf's // metadata and the order of keys", () => {
    const head = edited((stack) => {
      stack['//'].metadata.version = '0.22.0';
      stack.resource.aws_lambda_function.api_function['//'].metadata.path = 'staging/api/moved';
      stack.provider.aws[0]['//'] = { note: 'new metadata' };
      stack.terraform.backend.s3 = Object.fromEntries(Object.entries(stack.terraform.backend.s3).reverse());
    });
    expect(changesBetween(generated, head)).toEqual([]);
  });
});

/** A copy of generated/ with the wiring.md of some environments replaced (undefined: removed). */
function withWiring(files: Record<string, string | undefined>): string {
  const dir = path.join(tempDir('wiring'), 'generated');
  fs.cpSync(generated, dir, { recursive: true });
  for (const [name, markdown] of Object.entries(files)) {
    const file = path.join(dir, 'stacks', name, WIRING_FILE);
    if (markdown === undefined) fs.rmSync(file);
    else fs.writeFileSync(file, markdown);
  }
  return dir;
}

/** Staging with one more route to its API function: a change to its wiring. */
const rewiredStaging = wiringMarkdown({
  ...staging,
  httpApis: { ...staging.httpApis, admin: { routes: { 'POST /admin/cleanup': 'api' } } },
});

describe('wiring diagrams in the synth summary', () => {
  test('are left out when no diagram changed, even when the Terraform did', () => {
    expect(wiringChangesBetween(generated, generated)).toEqual([]);
    const head = edited((stack) => {
      stack.resource.aws_lambda_function.api_function.memory_size = 2048;
    });
    expect(wiringChangesBetween(generated, head)).toEqual([]);
    expect(renderSummary(changesBetween(generated, head), wiringChangesBetween(generated, head))).not.toContain('Wiring');
  });

  test('show the new diagram of each environment whose wiring changed, under a heading, and no other', () => {
    const head = withWiring({ staging: rewiredStaging });
    expect(wiringChangesBetween(generated, head)).toEqual([{ stack: 'stacks/staging', markdown: rewiredStaging }]);
    const markdown = renderSummary(changesBetween(generated, head), wiringChangesBetween(generated, head));
    const diagram = /```mermaid\n[\s\S]*?\n```/.exec(rewiredStaging)![0];
    expect(markdown).toBe(
      `${SUMMARY_MARKER}\n### Synthesized Terraform\n\nNo change to the synthesized Terraform.\n\n### Wiring\n\n` +
        `The new diagram of every environment whose wiring changed (\`wiring.md\` beside its stack).\n\n#### \`stacks/staging\`\n\n${diagram}\n`,
    );
    expect(diagram).toContain('"POST /admin/cleanup"');
  });

  test('show every diagram against a base written before there were any, and say when an environment is gone', () => {
    const base = withWiring({ staging: undefined, prod: undefined });
    const prod = fs.readFileSync(path.join(generated, 'stacks', 'prod', WIRING_FILE), 'utf8');
    expect(wiringChangesBetween(base, generated).map((c) => c.stack)).toEqual(['stacks/prod', 'stacks/staging']);
    expect(renderSummary([], wiringChangesBetween(base, generated))).toContain(`#### \`stacks/prod\`\n\n${/```mermaid\n[\s\S]*?\n```/.exec(prod)![0]}\n`);
    expect(renderSummary([], wiringChangesBetween(generated, base))).toContain('#### `stacks/prod`\n\nNo diagram any more: the environment is gone.\n');
  });
});

describe('npm run synth-summary', () => {
  test('compares the Terraform and the wiring diagrams of the two trees', () => {
    const root = path.resolve(__dirname, '..');
    const head = withWiring({ staging: rewiredStaging });
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/synth-summary.ts', 'generated', head], { cwd: root, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe(renderSummary([], [{ stack: 'stacks/staging', markdown: rewiredStaging }]));
  });

  test('refuses a directory that is not a generated/ tree, instead of reporting everything removed', () => {
    const root = path.resolve(__dirname, '..');
    const missing = path.join(tempDir('summary-cli'), 'no-such-generated');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/synth-summary.ts', 'generated', missing], { cwd: root, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 2,
      stderr: `${missing}: not a generated/ directory (no stacks/ or modules/ in it)\n`,
      stdout: '',
    });
  });
});
