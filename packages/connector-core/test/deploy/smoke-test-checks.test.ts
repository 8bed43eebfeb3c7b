// The deploy smoke tests a plugin package calls on itself (testLambdaBundle, testSamTemplate) must
// be able to fail: each template check is shown a template with the fault it looks for, and a
// bundle that leaves a module outside without declaring it must fail to build, saying to declare
// it in optionalExternals. (The helpers' passing runs are the connectors' own deployment tests.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildLambdaBundle,
  evaluateIntrinsics,
  parseSamTemplate,
  type SamTemplate,
  undeclaredReferences,
  wildcardGrants,
} from '../../src/testing/index.js';

describe('template checks', () => {
  let broken: SamTemplate;
  beforeAll(async () => {
    broken = await parseSamTemplate(`
Parameters: { Bucket: { Type: String } }
Conditions: { Yes: !Equals [a, a] }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Name: !Sub '\${Bucket}-\${Missing}'
      Other: !If [Maybe, !Ref Nowhere, !GetAtt Ghost.Arn]
      Policies:
        - PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - { Effect: Allow, Action: 's3:*', Resource: '*' }
              - { Effect: Allow, Action: s3:GetObject, Resource: '*' }
`);
  });

  it('finds undeclared references', () => {
    expect(undeclaredReferences(broken)).toEqual([
      'template.Resources.Role.Properties.Name: ${Missing} in Fn::Sub',
      'template.Resources.Role.Properties.Other: Fn::If Maybe',
      'template.Resources.Role.Properties.Other.Fn::If[1]: Ref Nowhere',
      'template.Resources.Role.Properties.Other.Fn::If[2]: Fn::GetAtt "Ghost.Arn"',
    ]);
  });

  it('finds wildcard grants', () => {
    expect(wildcardGrants(broken)).toEqual([
      'Resources.Role.Properties.Policies[0].PolicyDocument.Statement[0]: action s3:*',
      'Resources.Role.Properties.Policies[0].PolicyDocument.Statement[0]: s3:* on *',
      'Resources.Role.Properties.Policies[0].PolicyDocument.Statement[1]: s3:GetObject on *',
    ]);
  });

  it('evaluates a policy resource as CloudFormation would, and names a function it cannot evaluate', () => {
    expect(
      evaluateIntrinsics({ 'Fn::If': ['Yes', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' }, 'no'] }, broken, {
        Bucket: 'b',
      }),
    ).toBe('arn:aws:s3:::b');
    expect(() => evaluateIntrinsics({ 'Fn::Join': ['', []] }, broken, {})).toThrow(
      'evaluateIntrinsics: Fn::Join is not supported',
    );
  });
});

describe('bundle check', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'optional-external-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('fails to build a bundle that would import an undeclared module at run time, naming optionalExternals', async () => {
    const plugin = fileURLToPath(new URL('../fixtures/optional-external-plugin/', import.meta.url));
    await expect(buildLambdaBundle(plugin, workDir)).rejects.toThrow(
      /would import not-installed-colouriser at run time.*list it in bundleLambda's optionalExternals/,
    );
  }, 60_000);
});
