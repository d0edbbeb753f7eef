import { TerraformOutput, TerraformVariable, Token } from '../core/framework';
import { policyDocument, policyDocumentExpression, serviceTrustPolicy } from '../core/policy-document';
import { synthJson, testStack } from './support/synth';

describe('policyDocument, the one renderer of IAM policy documents', () => {
  test('writes compact JSON, keys in the order AWS documents them, one value as itself and several as a list', () => {
    expect(
      policyDocument([
        {
          sid: 'ListUnderPrefix',
          actions: ['s3:ListBucket'],
          resources: ['arn:aws:s3:::books'],
          conditions: { StringLike: { 's3:prefix': ['books/*'] } },
        },
        { effect: 'Deny', actions: ['s3:DeleteObject', 's3:PutObject'], notResources: ['arn:aws:s3:::books/books/*'] },
      ]),
    ).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ListUnderPrefix","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::books","Condition":{"StringLike":{"s3:prefix":["books/*"]}}},' +
        '{"Effect":"Deny","Action":["s3:DeleteObject","s3:PutObject"],"NotResource":"arn:aws:s3:::books/books/*"}]}',
    );
  });

  test('renders principals, after Effect, for trust and resource policies', () => {
    expect(serviceTrustPolicy('lambda.amazonaws.com')).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    );
    expect(
      JSON.parse(policyDocument([{ sid: 'DenyAll', effect: 'Deny', principal: '*', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }])),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyAll', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
  });

  test('as a Terraform expression, keeps a list only Terraform knows as a list', () => {
    const stack = testStack();
    const arns = new TerraformVariable(stack, 'arns', { type: 'list(string)' });
    const policy = policyDocumentExpression([{ sid: 'Invoke', actions: ['lambda:InvokeFunction'], resources: arns.listValue }]);
    new TerraformOutput(stack, 'policy', { value: policy });
    expect(synthJson(stack).output.policy.value).toBe(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "Invoke", "Effect" = "Allow", "Action" = "lambda:InvokeFunction", "Resource" = var.arns}]})}',
    );
  });

  test('as a Terraform expression, a document synth knows has the same content as its JSON', () => {
    const stack = testStack();
    const statements = [{ sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }];
    new TerraformOutput(stack, 'policy', { value: policyDocumentExpression(statements) });
    const hcl = synthJson(stack).output.policy.value as string;
    const asJson = hcl.replace(/^\$\{jsonencode\((.*)\)\}$/, '$1').replace(/"(\w+)" = /g, '"$1": ');
    expect(JSON.parse(asJson)).toEqual(JSON.parse(policyDocument(statements)));
    expect(Token.isUnresolved(policyDocumentExpression(statements))).toBe(true);
  });
});
