import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from '../core/framework';
import { Construct } from 'constructs';
import { CLEANUP_SCOPE_FIELDS, CleanupLambda } from '../modules/cleanup-lambda';
import { FunctionReference, LambdaFunction, LayerReference } from '../modules/lambda-function';
import { LambdaLayer } from '../modules/lambda-layer';
import { EnvironmentConfig, functionNameOf, layerNameOf } from './environment-config';
import { ReadableStack } from './readable-stack';
import { addProblemCheck, nameFieldsAs, Problem, problem } from '../core/problems';
import { partitionOf } from '../core/regions';
import { configureStateBackend, localProviderSettings } from './state-backend';
import { wireHttp } from './wire-http';
import { SqsQueue } from '../modules/sqs-queue';
import { wireQueues } from './wire-queues';
import { wireDashboard } from './wire-dashboard';
import { wireAsyncInvoke } from './wire-async';
import { wireSchedules } from './wire-schedules';

/**
 * One environment's Terraform stack, named after it so `cdktf deploy staging` deploys exactly
 * staging: an AWS provider locked to the environment's account, remote state in S3 with
 * DynamoDB locking, and the environment's layers and functions. Its config has passed
 * `checkEnvironment` (stacks/check-environment.ts), which reports the problems with its
 * settings and references; the constructs report their own.
 */
export class EnvironmentStack extends ReadableStack {
  readonly config: EnvironmentConfig;
  readonly layers: Readonly<Record<string, LambdaLayer>>;
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  /** The environment's queues by key, each with its dead-letter queue. */
  readonly queues: Readonly<Record<string, SqsQueue>>;
  /** Problems found while wiring the config (construct ids taken), reported with the rest. */
  private readonly wiringProblems: Problem[] = [];

  /** @param localEndpoint an AWS API emulator on this machine (LAMBDA_FLEET_LOCAL_AWS_ENDPOINT, see README) */
  constructor(scope: Construct, config: EnvironmentConfig, localEndpoint?: string) {
    super(scope, config.name);
    this.config = config;

    new AwsProvider(this, 'aws', {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { ...config.tags, Environment: config.name } }],
      ...localProviderSettings(localEndpoint),
    });
    configureStateBackend(this, config, localEndpoint);
    const partition = partitionOf(config.region);

    // Every construct id a layer or function will give its parts (outputs included), claimed
    // before any is made: a key whose ids are taken is reported and left out, never a crash.
    const taken = new Map<string, string>(this.node.children.map((child) => [child.node.id, 'the stack itself']));
    const claim = (field: string, key: string, ids: readonly string[]): boolean => {
      // tryFindChild also finds what every object has (`constructor`), which the constructs library cannot take as an id.
      const clash = ids.find((id) => taken.has(id) || this.node.tryFindChild(id) !== undefined);
      if (clash === undefined) {
        ids.forEach((id) => taken.set(id, field));
        return true;
      }
      this.wiringProblems.push(
        problem('construct-id-taken', field, key, taken.has(clash)
            ? `needs the construct id "${clash}", which ${taken.get(clash)} has already; rename one of them`
            : `needs the construct id "${clash}", which the constructs library reserves; rename it`),
      );
      return false;
    };

    const layers: Record<string, LambdaLayer> = {};
    for (const [key, layer] of Object.entries(config.layers ?? {})) {
      if (!claim(`layers.${key}`, key, [`${key}-layer`, `${key}-layer-arn`, `${key}-layer-version-arn`])) continue;
      const { build: _build, layerName: _layerName, ...props } = layer; // the build is CI's, in the release manifest
      layers[key] = new LambdaLayer(this, `${key}-layer`, { ...props, layerName: layerNameOf(config, key) });
      nameFieldsAs(layers[key], (field) => `layers.${key}.${field}`);
    }
    this.layers = layers;

    const functions: Record<string, LambdaFunction> = {};
    for (const [key, fn] of Object.entries(config.functions ?? {})) {
      const { layers: layerKeys, invokes: _invokes, cleanup, functionName: _functionName, alias, ...props } = fn;
      if (!claim(`functions.${key}`, key, [key, `${key}-function-name`, `${key}-function-arn`, `${key}-function-alias-arn`])) continue;
      const functionProps = {
        ...props,
        functionName: functionNameOf(config, key),
        layers: (layerKeys ?? []).flatMap((ref) => resolve(ref, layers)),
        aliasName: alias,
        alarmTopicArn: config.alarmTopicArn,
        partition,
      };
      functions[key] = cleanup
        ? new CleanupLambda(this, key, { ...functionProps, ...cleanup })
        : new LambdaFunction(this, key, functionProps);
      nameFieldsAs(functions[key], (field) => `functions.${key}.${functionFieldAsWritten(field, cleanup !== undefined)}`);
    }
    this.functions = functions;

    // Invocations are wired once every function exists, so any function may invoke any other.
    for (const [key, fn] of Object.entries(config.functions ?? {})) {
      const caller = functions[key];
      if (!caller) continue;
      (fn.invokes ?? []).forEach((ref) => resolve<FunctionReference>(ref, functions).forEach((target) => caller.allowInvoke(target)));
    }
    // Triggers and failure handling, once every function exists.
    this.queues = wireQueues(this, config, functions, claim, localEndpoint !== undefined);
    wireHttp(this, config, functions, claim);
    const asyncInvokes = wireAsyncInvoke(config, functions, this.queues);
    wireSchedules(config, functions, asyncInvokes);
    const failureQueues = Object.fromEntries(
      Object.entries(asyncInvokes).flatMap(([key, invoke]) => (invoke.failureQueueName ? [[key, invoke.failureQueueName]] : [])),
    );
    wireDashboard(this, config, functions, this.queues, claim, failureQueues);

    for (const [key, layer] of Object.entries(layers)) {
      new TerraformOutput(this, `${key}-layer-arn`, {
        value: layer.layerArn,
        description: `ARN of the ${layer.layerName} layer, without a version`,
      });
      new TerraformOutput(this, `${key}-layer-version-arn`, {
        value: layer.versionArn,
        description: `ARN of the ${layer.layerName} layer version Terraform created (CI publishes later ones)`,
      });
    }
    for (const [key, fn] of Object.entries(functions)) {
      new TerraformOutput(this, `${key}-function-name`, { value: fn.resource.functionName, description: `Name of the ${key} function` });
      new TerraformOutput(this, `${key}-function-arn`, { value: fn.arn, description: `ARN of the ${key} function, unqualified (callers invoke its alias ARN)` });
      new TerraformOutput(this, `${key}-function-alias-arn`, {
        value: fn.aliasArn,
        description: `ARN of the ${key} function's ${fn.aliasName} alias: what callers invoke (invoke policies name the alias only)`,
      });
    }

    addProblemCheck(this, () => this.wiringProblems);
  }
}

/**
 * A reference is an ARN, used as is, or the key of a construct of this environment; an unknown
 * key (reported by `checkEnvironment`) is left out.
 */
function resolve<T extends LayerReference | FunctionReference>(ref: string, known: Readonly<Record<string, T>>): (T | string)[] {
  if (ref.startsWith('arn:')) return [ref];
  const found = known[ref];
  return found ? [found] : [];
}

/**
 * A function construct's field as an environment's function config writes it: the functions it
 * invokes are `invokes`, its alias's name is `alias`, and a cleanup function's scope is in its `cleanup` block.
 */
function functionFieldAsWritten(field: string, isCleanup: boolean): string {
  const [name] = /^[A-Za-z]+/.exec(field) ?? [''];
  if (name === 'lambdaInvokeArns') return `invokes${field.slice(name.length)}`;
  if (name === 'aliasName') return `alias${field.slice(name.length)}`;
  if (isCleanup && (CLEANUP_SCOPE_FIELDS as readonly string[]).includes(name)) return `cleanup.${field}`;
  return field;
}

