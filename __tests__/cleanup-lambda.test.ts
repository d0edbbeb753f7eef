import * as path from 'node:path';
import { TerraformVariable, Testing } from '../core/framework';
import { staging } from '../envs/staging';
import { buildApp } from '../synth/synthesize';
import { EnvironmentStack } from '../stacks/environment-stack';
import {
  checkPrefix,
  CLEANUP_DENIED_ACTIONS,
  CLEANUP_ENVIRONMENT_VARIABLES,
  CleanupLambda,
  CleanupLambdaProps,
  PREFIX_ALONE,
  PREFIX_RULES,
} from '../modules/cleanup-lambda';
import { ALIAS_CI_OWNED_ATTRIBUTES, FUNCTION_CI_OWNED_ATTRIBUTES, FUNCTION_SET_ON_CREATE_ATTRIBUTES, LambdaFunction } from '../modules/lambda-function';
import { decide, Decision, policiesOfRole } from './support/iam-simulator';
import { messagesOf, onlyResource, problemsOf, resourcesOf, synthJson, tempDir, testStack } from './support/synth';

const bucket = 'arn:aws:s3:::bookshelf-images-staging';
const props: CleanupLambdaProps = {
  functionName: 'team-cleanup',
  handler: 'lambdas.cleanup.handler.handler',
  bucketName: 'bookshelf-images-staging',
  prefix: 'books/',
};

/** The shipped staging stack, as synthesized. */
function stagingStack(): any {
  const app = buildApp([staging], { outdir: path.join(tempDir('cleanup'), 'out') });
  return JSON.parse(Testing.synth(app.node.findChild('staging') as EnvironmentStack));
}

describe('CleanupLambda permissions, evaluated by an IAM policy simulator', () => {
  const policies = policiesOfRole(stagingStack(), 'cleanup_role');
  const denied = ['ImplicitlyDenied', 'ExplicitlyDenied'];

  test.each<[string, string, string, Record<string, string>, Decision | 'Denied']>([
    ['lists under the prefix', 's3:ListBucket', bucket, { 's3:prefix': 'books/' }, 'Allowed'],
    ['lists deeper under the prefix', 's3:ListBucket', bucket, { 's3:prefix': 'books/515/' }, 'Allowed'],
    ['lists the whole bucket (no prefix)', 's3:ListBucket', bucket, {}, 'ExplicitlyDenied'],
    ['lists with an empty prefix', 's3:ListBucket', bucket, { 's3:prefix': '' }, 'ExplicitlyDenied'],
    ['lists another prefix', 's3:ListBucket', bucket, { 's3:prefix': 'listings/' }, 'ExplicitlyDenied'],
    ['lists a neighbouring prefix', 's3:ListBucket', bucket, { 's3:prefix': 'books-archive/' }, 'ExplicitlyDenied'],
    ['lists another bucket', 's3:ListBucket', 'arn:aws:s3:::bookshelf-frontend-staging', { 's3:prefix': 'books/' }, 'Denied'],
    ['gets an object under the prefix', 's3:GetObject', `${bucket}/books/515/image_00.webp`, {}, 'Allowed'],
    ['deletes an object under the prefix', 's3:DeleteObject', `${bucket}/books/515/image_00.webp`, {}, 'Allowed'],
    ['deletes under another prefix', 's3:DeleteObject', `${bucket}/listings/88/image_00.webp`, {}, 'ExplicitlyDenied'],
    ['deletes at the bucket root', 's3:DeleteObject', `${bucket}/index.html`, {}, 'ExplicitlyDenied'],
    ['deletes in another bucket', 's3:DeleteObject', 'arn:aws:s3:::bookshelf-frontend-staging/books/1.jpg', {}, 'ExplicitlyDenied'],
    ['gets an object under another prefix', 's3:GetObject', `${bucket}/listings/88/image_00.webp`, {}, 'Denied'],
    ['deletes an object version', 's3:DeleteObjectVersion', `${bucket}/books/515/image_00.webp`, {}, 'ExplicitlyDenied'],
    ['suspends versioning', 's3:PutBucketVersioning', bucket, {}, 'ExplicitlyDenied'],
    ['puts a lifecycle configuration', 's3:PutLifecycleConfiguration', bucket, {}, 'ExplicitlyDenied'],
    ['puts an object under the prefix', 's3:PutObject', `${bucket}/books/515/image_00.webp`, {}, 'Denied'],
    [
      'reads the database secret it was granted',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-west-2:111111111111:secret:bookshelf-staging/database-AbCdEf',
      {},
      'Allowed',
    ],
    [
      'reads another secret',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-west-2:111111111111:secret:bookshelf-staging/admin-XyZ123',
      {},
      'Denied',
    ],
  ])('the staging cleanup role %s: %s', async (_case, action, resource, context, expected) => {
    const decision = await decide(policies, action, resource, context);
    if (expected === 'Denied') expect(denied).toContain(decision);
    else expect(decision).toBe(expected);
  });

  test('the scope holds even when a caller grants the role the whole bucket', async () => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', {
      ...props,
      policyStatements: [
        { actions: ['s3:ListBucket', 's3:DeleteObject', 's3:GetObject'], resources: [bucket, `${bucket}/*`] },
      ],
    });
    const broad = policiesOfRole(synthJson(stack), onlyRoleName(synthJson(stack)));
    expect(await decide(broad, 's3:GetObject', `${bucket}/listings/1.jpg`)).toBe('Allowed'); // the grant works...
    expect(await decide(broad, 's3:ListBucket', bucket)).toBe('ExplicitlyDenied'); // ...but not for listing
    expect(await decide(broad, 's3:ListBucket', bucket, { 's3:prefix': 'listings/' })).toBe('ExplicitlyDenied');
    expect(await decide(broad, 's3:DeleteObject', `${bucket}/listings/1.jpg`)).toBe('ExplicitlyDenied'); // or deleting
    expect(await decide(broad, 's3:DeleteObject', `${bucket}/books/1.jpg`)).toBe('Allowed');
  });
});

function onlyRoleName(json: any): string {
  return Object.keys(resourcesOf(json, 'aws_iam_role'))[0];
}

describe('CleanupLambda', () => {
  test('is a LambdaFunction with the same ownership contract', () => {
    const stack = testStack();
    const cleanup = new CleanupLambda(stack, 'cleanup', { ...props, layers: ['arn:aws:lambda:us-west-2:111111111111:layer:deps:3'] });
    expect(cleanup).toBeInstanceOf(LambdaFunction);
    const fn = onlyResource(synthJson(stack), 'aws_lambda_function');
    expect(fn.lifecycle.ignore_changes).toEqual([...FUNCTION_CI_OWNED_ATTRIBUTES, ...FUNCTION_SET_ON_CREATE_ATTRIBUTES]);
    expect(onlyResource(synthJson(stack), 'aws_lambda_alias').lifecycle.ignore_changes).toEqual(ALIAS_CI_OWNED_ATTRIBUTES);
    expect(fn.layers).toEqual(['arn:aws:lambda:us-west-2:111111111111:layer:deps:3']);
    expect(problemsOf(stack)).toEqual([]);
  });

  test('starts in dry-run and tells the handler its bucket and prefix', () => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, environmentVariables: { LOG_LEVEL: 'INFO' } });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function').environment.variables).toEqual({
      LOG_LEVEL: 'INFO',
      CLEANUP_BUCKET: 'bookshelf-images-staging',
      CLEANUP_PREFIX: 'books/',
      DRY_RUN: 'true',
    });
  });

  test('goes live only when told explicitly', () => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, dryRun: false });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function').environment.variables.DRY_RUN).toBe('false');
  });

  test('without a schedule nothing else may invoke it', () => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', props);
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_lambda_permission')).toEqual({});
    expect(resourcesOf(json, 'aws_scheduler_schedule')).toEqual({});
  });

  test('a named caller may invoke it: a policy on the caller role, scoped to its alias ARN by reference', () => {
    const stack = testStack();
    const api = new LambdaFunction(stack, 'api', { functionName: 'team-api', handler: 'app.main.handler' });
    const cleanup = new CleanupLambda(stack, 'cleanup', props);
    cleanup.grantInvoke(api);
    const json = synthJson(stack);
    const [cleanupAlias] = Object.keys(resourcesOf(json, 'aws_lambda_alias')).filter((n) => n.startsWith('cleanup'));
    const [apiRole] = Object.keys(resourcesOf(json, 'aws_iam_role')).filter((n) => n.startsWith('api'));
    const invoke = Object.values<any>(resourcesOf(json, 'aws_iam_role_policy')).find((p) => p.name === 'invoke');
    expect(invoke.role).toBe(`\${aws_iam_role.${apiRole}.id}`);
    expect(JSON.parse(invoke.policy).Statement).toEqual([
      {
        Sid: 'InvokeNamedFunctions',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: `\${aws_lambda_alias.${cleanupAlias}.arn}`,
      },
    ]);
  });

  test.each([
    ['an empty prefix', '', 'prefix-empty prefix'],
    ['"/" alone', '/', 'prefix-root prefix'],
    ['a leading slash', '/books/', 'prefix-leading-slash prefix'],
    ['no trailing slash', 'books', 'prefix-trailing-slash prefix'],
    ['a * wildcard', 'books/*/', 'prefix-wildcard prefix'],
    ['a ? wildcard', 'bo?ks/', 'prefix-wildcard prefix'],
  ])('rejects %s as prefix', (_case, prefix, message) => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, prefix });
    expect(problemsOf(stack)).toEqual([message]);
  });

  test.each([
    ['1024 characters', 'p/'.repeat(512), []],
    ['1025 characters', `x${'p/'.repeat(512)}`, ['prefix-length prefix']],
    ['a newline', 'books/\n/', []],
    ['"//"', '//', ['prefix-leading-slash prefix']],
  ])('checks a prefix of %s', (_case, prefix, problems) => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, prefix });
    expect(problemsOf(stack)).toEqual(problems);
  });

  test('leaves a prefix only Terraform knows to the module variable validation', () => {
    const stack = testStack();
    expect(checkPrefix(new TerraformVariable(stack, 'prefix', { type: 'string' }).stringValue)).toEqual([]);
  });

  test('its contract constants cannot be changed by a caller', () => {
    // Never called: the type checker (npm test) rejects each change.
    const changes = () => {
      // @ts-expect-error readonly: what the role may never do is not the caller's to change
      CLEANUP_DENIED_ACTIONS.pop();
      // @ts-expect-error readonly
      CLEANUP_ENVIRONMENT_VARIABLES.pop();
      // @ts-expect-error readonly
      PREFIX_RULES.empty = PREFIX_RULES.root;
      // @ts-expect-error readonly
      PREFIX_RULES.wildcard.pattern = '.*';
      // @ts-expect-error readonly
      PREFIX_ALONE.push('wildcard');
    };
    expect(typeof changes).toBe('function');
    for (const constant of [CLEANUP_DENIED_ACTIONS, CLEANUP_ENVIRONMENT_VARIABLES, PREFIX_ALONE]) {
      expect(Object.isFrozen(constant)).toBe(true);
    }
  });

  test('reports every rule a prefix breaks, each in words that say why', () => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, prefix: '/books*' });
    expect(messagesOf(stack)).toEqual([
      'prefix = "/books*": must not start with "/": S3 keys have no leading slash, so nothing would match',
      'prefix = "/books*": must end with "/", or it also matches its neighbours ("books" matches "books-archive/")',
      'prefix = "/books*": must not contain wildcards (* or ?): IAM would read them as patterns',
    ]);
  });

  test.each([
    ['an invalid bucket name', { bucketName: 'Images_Bucket' }, 's3-bucket-name bucketName'],
    ['its own variables set by hand', { environmentVariables: { DRY_RUN: 'false' } }, 'cleanup-environment-variable environmentVariables name'],
  ])('rejects %s', (_case, change, message) => {
    const stack = testStack();
    new CleanupLambda(stack, 'cleanup', { ...props, ...change });
    expect(problemsOf(stack)).toEqual([message]);
  });
});
