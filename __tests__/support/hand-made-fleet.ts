import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, PublishLayerVersionCommand, Runtime } from '@aws-sdk/client-lambda';
import { BucketLocationConstraint, CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { deterministicZip } from '../../core/deterministic-zip';
import { emulatorClients } from './moto';

/** What a team built by hand: names in, and what the emulator answered. */
export interface HandMadeFleet {
  readonly functionName: string;
  readonly functionArn: string;
  readonly codeSha256: string;
  readonly layerName: string;
  /** The layer's versions, oldest first; the function runs the last. */
  readonly layerVersionArns: readonly string[];
  readonly ruleArn: string;
  readonly stateBucket: string;
}

export interface HandMadeFleetNames {
  readonly functionName: string;
  readonly handler: string;
  readonly layerName: string;
  readonly layerDescription: string;
  readonly runtime: Runtime;
  readonly stateBucket: string;
}

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * A fleet made the way teams made it before this project, by hand or with HCL: a function with
 * its role, inline logs policy and log group, a dependencies layer with two versions (the
 * function runs the second), an EventBridge schedule with its target and invoke permission, and
 * the state bucket (versioned).
 */
export async function makeFleetByHand(endpoint: string, region: string, names: HandMadeFleetNames): Promise<HandMadeFleet> {
  const aws = emulatorClients(endpoint, region);
  try {
    const role = await aws.iam.send(new CreateRoleCommand({ RoleName: names.functionName, AssumeRolePolicyDocument: TRUST_POLICY }));
    await aws.iam.send(
      new PutRolePolicyCommand({
        RoleName: names.functionName,
        PolicyName: 'logs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
        }),
      }),
    );
    await aws.logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${names.functionName}` }));
    const layerVersionArns: string[] = [];
    for (const release of ['1', '2']) {
      const zip = deterministicZip([{ path: 'python/' }, { path: 'python/deps.py', content: `RELEASE = ${release}\n` }]);
      const published = await aws.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: names.layerName,
          Description: names.layerDescription,
          CompatibleRuntimes: [names.runtime],
          Content: { ZipFile: zip },
        }),
      );
      layerVersionArns.push(published.LayerVersionArn!);
    }
    const [module] = names.handler.split('.');
    const code = deterministicZip([{ path: `${module}.py`, content: 'def handler(event, context):\n    return "the team\'s real code"\n' }]);
    const fn = await aws.lambda.send(
      new CreateFunctionCommand({
        FunctionName: names.functionName,
        Runtime: names.runtime,
        Handler: names.handler,
        Role: role.Role!.Arn!,
        Code: { ZipFile: code },
        Layers: [layerVersionArns[1]],
      }),
    );
    const rule = await aws.events.send(new PutRuleCommand({ Name: names.functionName, ScheduleExpression: 'rate(1 day)' }));
    await aws.events.send(new PutTargetsCommand({ Rule: names.functionName, Targets: [{ Id: 'cleanup', Arn: fn.FunctionArn! }] }));
    await aws.lambda.send(
      new AddPermissionCommand({
        FunctionName: names.functionName,
        StatementId: 'AllowScheduleRule',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: rule.RuleArn!,
      }),
    );
    await aws.s3.send(new CreateBucketCommand({ Bucket: names.stateBucket, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }));
    await aws.s3.send(new PutBucketVersioningCommand({ Bucket: names.stateBucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return {
      functionName: names.functionName,
      functionArn: fn.FunctionArn!,
      codeSha256: fn.CodeSha256!,
      layerName: names.layerName,
      layerVersionArns,
      ruleArn: rule.RuleArn!,
      stateBucket: names.stateBucket,
    };
  } finally {
    aws.destroy();
  }
}
