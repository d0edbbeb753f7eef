import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction as LambdaFunctionResource } from '@cdktf/provider-aws/lib/lambda-function';
import { Lazy, Token } from '../core/framework';
import { Construct } from 'constructs';
import { addProblemCheck, Problem, problem } from '../core/problems';
import { checkStatements, policyDocument, PolicyStatement, serviceTrustPolicy } from '../core/policy-document';
import { Partition } from '../core/regions';
import { PlaceholderPackage } from './placeholder-package';
import {
  Architecture,
  check,
  checkTags,
  LIMITS,
  RESERVED_ENVIRONMENT_VARIABLES,
  RULES,
  Runtime,
  TracingMode,
} from '../core/rules';
import { LambdaLayer } from './lambda-layer';

/** A layer to attach: a layer construct, or the ARN of a layer version managed elsewhere. */
export type LayerReference = LambdaLayer | string;

/** A function to invoke: a function construct, or the ARN of a function managed elsewhere. */
export type FunctionReference = LambdaFunction | string;

/** Properties of a {@link LambdaFunction}. Names follow terraform-aws-modules/lambda where it has one. */
export interface LambdaFunctionProps {
  /** Name of the function, also used for its role and log group: 1 to 64 letters, digits, hyphens, underscores. */
  readonly functionName: string;
  /** Entry point, `<module path>.<function>`, e.g. `app.main.handler`. */
  readonly handler: string;
  /** Runtime. @default 'python3.12' */
  readonly runtime?: Runtime;
  /** Description shown in the console. @default no description */
  readonly description?: string;
  /** Memory in MB, 128 to 10240. @default 128 */
  readonly memorySize?: number;
  /** Timeout in seconds, 1 to 900. @default 3 */
  readonly timeout?: number;
  /** Instruction set architecture. @default 'x86_64' */
  readonly architecture?: Architecture;
  /**
   * Layers in the order Lambda applies them (a later layer's files win). At most 5. Terraform
   * sets them when it creates the function; CI moves them to new versions afterwards.
   * @default no layers
   */
  readonly layers?: readonly LayerReference[];
  /** Environment variables; names and values together at most 4 KB. @default none */
  readonly environmentVariables?: Readonly<Record<string, string>>;
  /** Reserved concurrency; -1 leaves it unreserved, 0 stops all invocations. @default -1 */
  readonly reservedConcurrentExecutions?: number;
  /** X-Ray tracing mode; `Active` also grants the role the X-Ray write actions. @default 'PassThrough' */
  readonly tracingMode?: TracingMode;
  /** Days to keep the function's logs, one of the periods CloudWatch Logs supports. @default 30 */
  readonly cloudwatchLogsRetentionInDays?: number;
  /** Further permissions for the function's role. @default none */
  readonly policyStatements?: readonly PolicyStatement[];
  /** Functions this function may invoke (`lambda:InvokeFunction` on each, and on its versions and aliases). @default none */
  readonly lambdaInvokeArns?: readonly FunctionReference[];
  /** Tags for the function, its role and its log group, on top of the provider's default tags. @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The package to create the function from. CI owns the code afterwards: a different package
   * here later changes nothing (see {@link FUNCTION_CI_OWNED_ATTRIBUTES}).
   * @default a placeholder whose handler fails with "no code has been released to it yet"
   */
  readonly codePackage?: CodePackage;
  /**
   * Partition of the ARNs the construct writes itself (`aws`, `aws-cn` in China, `aws-us-gov`
   * in GovCloud): that of the region it is deployed to.
   * @default 'aws'
   */
  readonly partition?: Partition;
}

/** A local zip and its base64-encoded SHA-256, as `filename` and `source_code_hash` take them. */
export interface CodePackage {
  readonly filename: string;
  readonly sourceCodeHash: string;
}

/** The statement that lets a function invoke others: `resources` are their ARNs, each also followed by `:*` (versions and aliases). */
export function invokeStatement(resources: readonly string[]): PolicyStatement {
  return { sid: 'InvokeNamedFunctions', actions: ['lambda:InvokeFunction'], resources };
}

/** The statements of the tracing policy. X-Ray write actions support no resource-level permissions: "*" is the only way to grant them. */
export const TRACING_STATEMENTS: readonly PolicyStatement[] = Object.freeze([
  { sid: 'WriteTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
]);

/** The rule on the size of all environment variables, in words. */
export const ENVIRONMENT_SIZE_RULE = `names and values together must be at most ${LIMITS.maxEnvironmentBytes} bytes (the Lambda limit)`;

/**
 * Attributes that describe *which code and layer versions* the function runs. CI changes them
 * with `update-function-code` and `update-function-configuration`; Terraform must not revert them.
 */
export const FUNCTION_CI_OWNED_ATTRIBUTES = Object.freeze([
  'filename',
  's3_bucket',
  's3_key',
  's3_object_version',
  'source_code_hash',
  'layers',
] as const);

/**
 * A Lambda function with its own execution role and log group.
 *
 * Terraform owns its shape: runtime, handler, memory, timeout, permissions, environment.
 * CI owns its code and layer versions: the function starts from a placeholder package and the
 * layers given here, and later releases are never reverted by `terraform apply`.
 *
 * It takes known values. The generated `lambda` module (module-export/) gives it the Terraform
 * variables it only passes on, and binds or builds what depends on the others itself.
 */
export class LambdaFunction extends Construct {
  /** The underlying function resource. */
  readonly resource: LambdaFunctionResource;
  /** The execution role; trusted by lambda.amazonaws.com only. */
  readonly role: IamRole;
  /** `/aws/lambda/<functionName>`, created before the function so no log line is lost. */
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;
  readonly runtime: Runtime;
  readonly architecture: Architecture;
  /** ARN of the function. */
  readonly arn: string;
  /** ARN API Gateway uses to invoke the function. */
  readonly invokeArn: string;

  private readonly layerReferences: LayerReference[] = [];
  private readonly environment: Record<string, string> = {};
  private readonly statements: PolicyStatement[] = [];
  private readonly invokeTargets: FunctionReference[] = [];
  private readonly props: LambdaFunctionProps;
  private extraPolicy?: IamRolePolicy;
  private invokePolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    this.props = props;
    this.functionName = props.functionName;
    this.runtime = props.runtime ?? 'python3.12';
    this.architecture = props.architecture ?? 'x86_64';
    const tags = tagsOrNothing(props.tags);

    this.role = new IamRole(this, 'role', {
      name: props.functionName,
      description: `Execution role of the ${props.functionName} Lambda function`,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
      tags,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.cloudwatchLogsRetentionInDays ?? 30,
      tags,
    });

    const logsPolicy = new IamRolePolicy(this, 'logs-policy', {
      name: 'logs',
      role: this.role.id,
      policy: policyDocument([
        {
          sid: 'WriteOwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
      ]),
    });

    if (props.tracingMode === 'Active') {
      new IamRolePolicy(this, 'tracing-policy', { name: 'tracing', role: this.role.id, policy: policyDocument(TRACING_STATEMENTS) });
    }

    const codePackage = props.codePackage ?? PlaceholderPackage.forFunction(this, 'placeholder', this.runtime, props.handler);
    this.resource = new LambdaFunctionResource(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      handler: props.handler,
      runtime: this.runtime,
      architectures: [this.architecture],
      memorySize: props.memorySize ?? 128,
      timeout: props.timeout ?? 3,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracingConfig: props.tracingMode ? { mode: props.tracingMode } : undefined,
      filename: codePackage.filename,
      sourceCodeHash: codePackage.sourceCodeHash,
      layers: Lazy.listValue({ produce: () => this.layerReferences.map(layerArn) }, { omitEmpty: true }),
      tags,
      // The log group must exist before the first invocation, or Lambda creates one that
      // Terraform does not manage (no retention); the role must be able to write to it.
      dependsOn: [this.logGroup, logsPolicy],
      lifecycle: { ignoreChanges: [...FUNCTION_CI_OWNED_ATTRIBUTES] },
    });
    this.arn = this.resource.arn;
    this.invokeArn = this.resource.invokeArn;

    this.addLayers(...(props.layers ?? []));
    for (const [name, value] of Object.entries(props.environmentVariables ?? {})) this.addEnvironment(name, value);
    (props.policyStatements ?? []).forEach((statement) => this.addToRolePolicy(statement));
    (props.lambdaInvokeArns ?? []).forEach((target) => this.allowInvoke(target));

    addProblemCheck(this, () => this.checkProps());
  }

  /** Appends layers, after those already attached. */
  addLayers(...layers: LayerReference[]): void {
    this.layerReferences.push(...layers);
  }

  /** Sets an environment variable. */
  addEnvironment(name: string, value: string): void {
    this.environment[name] = value;
    this.resource.putEnvironment({ variables: { ...this.environment } });
  }

  /** Environment variables set so far, from `environmentVariables` and {@link addEnvironment}. */
  get environmentVariables(): Readonly<Record<string, string>> {
    return { ...this.environment };
  }

  /** Adds a statement to the role's `extra` inline policy. */
  addToRolePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
    this.extraPolicy ??= new IamRolePolicy(this, 'extra-policy', { name: 'extra', role: this.role.id, policy: '' });
    this.extraPolicy.policy = policyDocument(this.statements);
  }

  /** Lets `grantee` invoke this function (and its versions and aliases). */
  grantInvoke(grantee: LambdaFunction): void {
    grantee.allowInvoke(this);
  }

  /** Lets this function invoke `target` (and its versions and aliases). */
  allowInvoke(target: FunctionReference): void {
    this.invokeTargets.push(target);
    this.invokePolicy ??= new IamRolePolicy(this, 'invoke-policy', { name: 'invoke', role: this.role.id, policy: '' });
    const arns = this.invokeTargets.map(functionArn);
    this.invokePolicy.policy = policyDocument([invokeStatement(arns.flatMap((arn) => [arn, `${arn}:*`]))]);
  }

  /** Layers in attachment order. */
  get layers(): readonly LayerReference[] {
    return [...this.layerReferences];
  }

  private checkProps(): Problem[] {
    const p = this.props;
    const python = this.runtime.startsWith('python');
    return [
      ...check('functionName', p.functionName, RULES.functionName),
      ...check('handler', p.handler, RULES.handlerLength, python ? RULES.pythonHandler : RULES.handler),
      ...check('runtime', this.runtime, RULES.runtime),
      ...(p.description === undefined ? [] : check('description', p.description, RULES.functionDescription)),
      ...(p.memorySize === undefined ? [] : check('memorySize', p.memorySize, RULES.memorySize)),
      ...(p.timeout === undefined ? [] : check('timeout', p.timeout, RULES.timeout)),
      ...(p.reservedConcurrentExecutions === undefined
        ? []
        : check('reservedConcurrentExecutions', p.reservedConcurrentExecutions, RULES.reservedConcurrentExecutions)),
      ...check('architecture', this.architecture, RULES.architecture),
      ...(p.tracingMode === undefined ? [] : check('tracingMode', p.tracingMode, RULES.tracingMode)),
      ...(p.cloudwatchLogsRetentionInDays === undefined
        ? []
        : check('cloudwatchLogsRetentionInDays', p.cloudwatchLogsRetentionInDays, RULES.logRetentionDays)),
      ...this.validateLayers(),
      ...this.validateEnvironment(),
      ...checkStatements('policyStatements', this.statements),
      ...this.invokeTargets.flatMap((target, i) =>
        typeof target === 'string' ? check(`lambdaInvokeArns[${i}]`, target, RULES.functionArn) : [],
      ),
      ...checkTags('tags', p.tags),
    ];
  }

  private validateLayers(): Problem[] {
    const layers = this.layerReferences;
    const problems = check('layers', layers.map(describeLayer), RULES.layers);
    const seen = new Set<string>();
    layers.forEach((layer, i) => {
      const field = `layers[${i}]`;
      const key = typeof layer === 'string' ? layer : layer.node.path;
      if (seen.has(key)) problems.push(problem('layer-attached-twice', field, describeLayer(layer), 'is attached twice; attach each layer once'));
      seen.add(key);
      if (typeof layer === 'string') {
        problems.push(...check(field, layer, RULES.layerVersionArn));
        return;
      }
      if (!layer.compatibleRuntimes.includes(this.runtime)) {
        problems.push(
          problem(
            'layer-runtime-mismatch',
            field,
            layer.layerName,
            `layer is compatible with ${layer.compatibleRuntimes.join(', ')}, not with the function's runtime ${this.runtime}`,
          ),
        );
      }
      const architectures = layer.compatibleArchitectures;
      if (architectures && architectures.length > 0 && !architectures.includes(this.architecture)) {
        problems.push(
          problem(
            'layer-architecture-mismatch',
            field,
            layer.layerName,
            `layer is built for ${architectures.join(', ')}, not for the function's architecture ${this.architecture}`,
          ),
        );
      }
    });
    return problems;
  }

  private validateEnvironment(): Problem[] {
    const problems: Problem[] = [];
    let bytes = 0;
    for (const [name, value] of Object.entries(this.environment)) {
      problems.push(...check('environmentVariables name', name, RULES.environmentVariableName));
      if ((RESERVED_ENVIRONMENT_VARIABLES as readonly string[]).includes(name)) {
        problems.push(problem('reserved-environment-variable', 'environmentVariables name', name, 'is reserved by Lambda and cannot be set'));
      }
      if (typeof value !== 'string') {
        problems.push(problem('environment-variable-type', `environmentVariables[${JSON.stringify(name)}]`, value, 'must be a string'));
      }
      bytes += Buffer.byteLength(name) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(String(value)));
    }
    if (bytes > LIMITS.maxEnvironmentBytes) {
      problems.push(problem('environment-size', 'environmentVariables', `${bytes} bytes`, ENVIRONMENT_SIZE_RULE));
    }
    return problems;
  }
}

/** Tags to set, or undefined when there are none (an empty map would only add noise to the diff). */
export function tagsOrNothing(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return tags && Object.keys(tags).length > 0 ? { ...tags } : undefined;
}

function layerArn(layer: LayerReference): string {
  return typeof layer === 'string' ? layer : layer.versionArn;
}

function functionArn(target: FunctionReference): string {
  return typeof target === 'string' ? target : target.arn;
}

function describeLayer(layer: LayerReference): string {
  return typeof layer === 'string' ? layer : layer.layerName;
}
