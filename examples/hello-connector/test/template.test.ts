// The SAM template: it deploys the zip bundle.mjs writes, passes the settings the code reads,
// mirrors the parameters of AWS's connector templates, and lets the role reach only the data prefix
// (read) and the spill prefix (write). The connectors' templates get the same checks, and more, in
// connector-core's test/deploy/lambda-deployment.test.ts.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// CloudFormation's short forms (`!Ref X`, `!If [c, a, b]`) read as their long forms ({ Ref: X }, { 'Fn::If': [...] }).
const cloudFormationTags = ['Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Select', 'Split'].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const scalar: ScalarTag = { tag: `!${name}`, resolve: (value) => ({ [key]: value }) };
  const sequence: CollectionTag = { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) };
  return [scalar, sequence];
});

interface Statement {
  readonly Sid?: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}
interface Template {
  readonly Parameters: Record<string, { Default?: unknown }>;
  readonly Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

let template: Template;
let statements: Statement[];

beforeAll(async () => {
  template = parse(await readFile(`${root}template.yaml`, 'utf8'), { customTags: cloudFormationTags }) as Template;
  const role = template.Resources['ConnectorRole']?.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[];
  const kms = template.Resources['ConnectorKmsPolicy']?.Properties['PolicyDocument'] as { Statement: Statement[] };
  statements = [...role.flatMap((p) => p.PolicyDocument.Statement), ...kms.Statement];
});

const actionsOf = (s: Statement) => ([] as string[]).concat(s.Action);
const sub = (text: string) => ({ 'Fn::Sub': text });

describe('template.yaml', () => {
  it('deploys the zip bundle.mjs writes, with the handler src/lambda.ts exports, on nodejs22.x', async () => {
    const fn = template.Resources['ConnectorFunction']?.Properties ?? {};
    expect(fn['Runtime']).toBe('nodejs22.x');
    expect(fn['Handler']).toBe('index.handler');
    expect(fn['CodeUri']).toBe('dist/lambda.zip');
    expect(await readFile(`${root}bundle.mjs`, 'utf8')).toContain('zip: `${root}dist/lambda.zip`');
    expect(await readFile(`${root}src/lambda.ts`, 'utf8')).toMatch(/export const handler = /);
  });

  it("has the parameters of AWS's connector templates, LambdaTimeout defaulting to 900, plus the data location", () => {
    const aws = ['AthenaCatalogName', 'SpillBucket', 'SpillPrefix', 'LambdaTimeout', 'LambdaMemory', 'LambdaRole', 'DisableSpillEncryption', 'KMSKeyId', 'PermissionsBoundaryARN'];
    expect(Object.keys(template.Parameters)).toEqual(expect.arrayContaining([...aws, 'DataBucket', 'DataPrefix']));
    expect(template.Parameters['LambdaTimeout']?.Default).toBe(900);
  });

  it('sets only environment variables that the connector or core reads', async () => {
    const variables = (template.Resources['ConnectorFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    const sources = await Promise.all([`${root}src/hello-connector.ts`, `${root}../../packages/connector-core/src/handler/handler-config.ts`, `${root}../../packages/connector-core/src/spill/spill-config.ts`].map((path) => readFile(path, 'utf8')));
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['data_bucket', 'data_prefix', 'spill_bucket', 'spill_prefix']));
    expect(Object.keys(variables).filter((name) => !sources.some((source) => source.includes(`'${name}'`)))).toEqual([]);
  });

  it('grants no wildcard action, and "*" resources only to kms:GenerateRandom, which has no other form', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action, statement.Sid).not.toContain('*');
      if (statement.Resource === '*') expect(actionsOf(statement), statement.Sid).toEqual(['kms:GenerateRandom']);
    }
  });

  it('lets the role list and read only under the data prefix, and write only under the spill prefix', () => {
    const reads = statements.filter((s) => actionsOf(s).includes('s3:GetObject'));
    expect(reads.map((s) => s.Resource)).toEqual([sub('arn:${AWS::Partition}:s3:::${DataBucket}/${DataPrefix}/*')]);
    const dataListing = statements.filter((s) => actionsOf(s).includes('s3:ListBucket') && JSON.stringify(s.Resource).includes('DataBucket'));
    expect(dataListing.map((s) => s.Condition)).toEqual([{ StringLike: { 's3:prefix': sub('${DataPrefix}/*') } }]);
    const writes = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete')));
    expect(writes.map((s) => [actionsOf(s), s.Resource])).toEqual([[['s3:PutObject'], sub('arn:${AWS::Partition}:s3:::${SpillBucket}/${SpillPrefix}/*')]]);
  });

  it("logs to the log group the stack creates, kept LogRetentionInDays, and the role writes to that group only", () => {
    const fn = template.Resources['ConnectorFunction']?.Properties ?? {};
    expect(fn['LoggingConfig']).toEqual({ LogGroup: { Ref: 'ConnectorLogGroup' } });
    expect(template.Resources['ConnectorLogGroup']).toEqual({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: sub('/aws/lambda/${AthenaCatalogName}'), RetentionInDays: { Ref: 'LogRetentionInDays' } } });
    const logs = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    expect(logs.map((s) => [actionsOf(s), s.Resource])).toEqual([[['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': 'ConnectorLogGroup.Arn' }]]);
  });
});
