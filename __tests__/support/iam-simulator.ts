import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Partition } from '../../core/regions';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Where the policies are evaluated: the partition, region and account of the stack's environment. */
export interface Where {
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

const STAGING: Where = { partition: 'aws', region: 'us-west-2', account: '111111111111' };

/** Realistic ARNs for Terraform references, so the evaluator sees what AWS would. */
const ARN_OF: Record<string, (name: string, where: Where) => string> = {
  aws_cloudwatch_log_group: (name, w) => `arn:${w.partition}:logs:${w.region}:${w.account}:log-group:/aws/lambda/${name}`,
  aws_lambda_function: (name, w) => `arn:${w.partition}:lambda:${w.region}:${w.account}:function:${name}`,
  // The alias `live` of the function made by the same construct (`api_alias` → `api_function:live`).
  aws_lambda_alias: (name, w) => `arn:${w.partition}:lambda:${w.region}:${w.account}:function:${name.replace(/_alias$/, '_function')}:live`,
  aws_sqs_queue: (name, w) => `arn:${w.partition}:sqs:${w.region}:${w.account}:${name}`,
};

function resolveReferences(text: string, where: Where): string {
  return text.replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.arn\}/g, (_, type: string, name: string) => {
    const arn = ARN_OF[type];
    if (!arn) throw new Error(`no realistic ARN for a reference to ${type}`);
    return arn(name, where);
  });
}

/** Every inline policy attached to a role of a synthesized stack, references resolved. */
export function policiesOfRole(stack: any, roleResourceName: string, where: Where = STAGING): { name: string; policy: any }[] {
  const attached = Object.values<any>(stack.resource.aws_iam_role_policy ?? {}).filter(
    (p) => p.role === `\${aws_iam_role.${roleResourceName}.id}`,
  );
  if (attached.length === 0) throw new Error(`no policies are attached to aws_iam_role.${roleResourceName}`);
  return attached.map((p) => ({ name: p.name, policy: JSON.parse(resolveReferences(p.policy, where)) }));
}

/** The decision IAM reaches for a request by a role holding these identity policies. */
export async function decide(
  policies: { name: string; policy: any }[],
  action: string,
  resource: string,
  context: Record<string, string> = {},
  where: Where = STAGING,
): Promise<Decision> {
  const response: any = await runSimulation(
    {
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: undefined,
      request: {
        action,
        principal: `arn:${where.partition}:iam::${where.account}:role/under-test`,
        resource: { accountId: where.account, resource },
        contextVariables: context,
      },
    } as any,
    {},
  );
  if (response.resultType === 'error') throw new Error(`the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}
