import { runSimulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

const ACCOUNT = '111111111111';
const REGION = 'us-west-2';

/** Realistic ARNs for Terraform references, so the evaluator sees what AWS would. */
const ARN_OF: Record<string, (name: string) => string> = {
  aws_cloudwatch_log_group: (name) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${name}`,
  aws_lambda_function: (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
};

function resolveReferences(text: string): string {
  return text.replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.arn\}/g, (_, type: string, name: string) => {
    const arn = ARN_OF[type];
    if (!arn) throw new Error(`no realistic ARN for a reference to ${type}`);
    return arn(name);
  });
}

/** Every inline policy attached to a role of a synthesized stack, references resolved. */
export function policiesOfRole(stack: any, roleResourceName: string): { name: string; policy: any }[] {
  const attached = Object.values<any>(stack.resource.aws_iam_role_policy ?? {}).filter(
    (p) => p.role === `\${aws_iam_role.${roleResourceName}.id}`,
  );
  if (attached.length === 0) throw new Error(`no policies are attached to aws_iam_role.${roleResourceName}`);
  return attached.map((p) => ({ name: p.name, policy: JSON.parse(resolveReferences(p.policy)) }));
}

/** The decision IAM reaches for a request by a role holding these identity policies. */
export async function decide(
  policies: { name: string; policy: any }[],
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<Decision> {
  const response: any = await runSimulation(
    {
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: undefined,
      request: {
        action,
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: context,
      },
    } as any,
    {},
  );
  if (response.resultType === 'error') throw new Error(`the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}
