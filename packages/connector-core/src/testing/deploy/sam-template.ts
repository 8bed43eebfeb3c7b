/**
 * The deploy smoke test a plugin package runs on its SAM template: the function it declares runs
 * the zip `bundle.mjs` writes and answers a Ping through the template's `Handler`; the template
 * keeps the parameters of AWS's connector template, refers only to what it declares, grants no
 * wildcard, sets only variables the code reads, logs where its role may write, scopes the KMS
 * grant to the key, and passes cfn-lint.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ConnectionType, CreateConnectionCommand, GlueClient } from '@aws-sdk/client-glue';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  type SamTemplate,
  evaluateIntrinsics,
  functionProperties,
  isJsonObject,
  policyStatements,
  readSamTemplate,
  statementActions,
  undeclaredReferences,
  wildcardGrants,
} from './cloud-formation.js';
import { type BuiltLambdaBundle, invokeLambdaBundle } from './lambda-bundle.js';

const run = promisify(execFile);

/** The EC2 actions of AWSLambdaVPCAccessExecutionRole: what Lambda needs to give a function interfaces in a VPC. */
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

// Core's files that read environment variables (handler, spill and Glue connection settings), in
// the form this module runs as: TypeScript in the workspace, JavaScript once published.
const sourceExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const CORE_CONFIG_SOURCES = ['handler/handler-config', 'spill/spill-config', 'handler/glue-connection'].map((name) =>
  fileURLToPath(new URL(`../../${name}${sourceExtension}`, import.meta.url)),
);

/** A Glue connection the Ping of a Glue-connection template reads (`glue_connection` is its only variable). */
export interface GlueConnectionFixture {
  readonly ConnectionType: ConnectionType;
  readonly ConnectionProperties: Readonly<Record<string, string>>;
}

/** What {@link testSamTemplate} checks. */
export interface SamTemplateOptions {
  /** The plugin package's folder. */
  readonly packageRoot: string;
  /** The template's file name in `packageRoot`; default `template.yaml`. */
  readonly template?: string;
  /** The bundle {@link testLambdaBundle} returned: the Ping runs its unpacked zip. */
  readonly bundle: () => BuiltLambdaBundle;
  /** The `sourceType` the plugin's Ping answers with. */
  readonly sourceType: string;
  /** Parameter names the template must declare: those of AWS's template for the same source, and the plugin's own. */
  readonly parameters: readonly string[];
  /**
   * The plugin's files, relative to `packageRoot`, that read its environment variables (core's own
   * are added). Every variable the function sets must be named, quoted, in one of them.
   */
  readonly configSources: readonly string[];
  /**
   * What the function has at the Ping: the variables a plain template sets (`env`), or the Glue
   * connection a connection template's `glue_connection` names (created in the test run's Glue, e.g. moto).
   */
  readonly ping:
    | { readonly env: Readonly<Record<string, string>> }
    | { readonly glueConnection: GlueConnectionFixture };
  /** Whether the function runs in a VPC (and so needs the network-interface actions); default false. */
  readonly inVpc?: boolean;
}

/** Creates `connection` in the test run's Glue under a fresh name and returns the name. */
async function createGlueConnection(connection: GlueConnectionFixture): Promise<string> {
  const name = `smoke-${connection.ConnectionType.toLowerCase()}-${Date.now().toString(36)}`;
  const glue = new GlueClient({});
  try {
    await glue.send(
      new CreateConnectionCommand({
        ConnectionInput: {
          Name: name,
          ConnectionType: connection.ConnectionType,
          ConnectionProperties: { ...connection.ConnectionProperties },
        },
      }),
    );
  } finally {
    glue.destroy();
  }
  return name;
}

/** Runs cfn-lint (which applies the SAM transform first) on `path`; its findings, or '' when clean. */
async function cfnLint(path: string): Promise<string> {
  return run('cfn-lint', ['--format', 'parseable', path]).then(
    () => '',
    (error: { code?: number | string; stdout?: string; stderr?: string }) => {
      if (error.code === 'ENOENT') throw new Error('cfn-lint was not found: install it with  pip install cfn-lint');
      return `${error.stdout ?? ''}${error.stderr ?? ''}`;
    },
  );
}

/** Declares the deploy smoke tests of one SAM template of a plugin package; call it at the top level of a test file. */
export function testSamTemplate(options: SamTemplateOptions): void {
  const file = options.template ?? 'template.yaml';
  const path = join(options.packageRoot, file);
  let template: SamTemplate;
  const fn = (): Record<string, Json> => functionProperties(template);

  describe(`SAM template ${file}`, () => {
    beforeAll(async () => {
      template = await readSamTemplate(path);
    });

    it('runs the zip: Handler names a function exported at the zip root that answers Ping, on nodejs22.x, from dist/lambda.zip', async () => {
      const [module = '', exportName = ''] = String(fn()['Handler']).split('.');
      const env =
        'env' in options.ping
          ? options.ping.env
          : { glue_connection: await createGlueConnection(options.ping.glueConnection) };
      const result = await invokeLambdaBundle(options.bundle().directory, {
        module: `${module}.mjs`,
        exportName,
        env,
        requests: [{ '@type': 'PingRequest', catalogName: 'deploy', queryId: 'q1' }],
      });
      expect(fn()['Runtime']).toBe('nodejs22.x');
      // Where bundle.mjs writes the zip when `pnpm build` runs it.
      expect(fn()['CodeUri']).toBe('dist/lambda.zip');
      expect(result.exportType).toBe('function');
      expect(result.results).toEqual([
        {
          response: expect.objectContaining({
            '@type': 'PingResponse',
            sourceType: options.sourceType,
            catalogName: 'deploy',
          }),
        },
      ]);
    }, 60_000);

    it("declares the parameters of AWS's connector template, LambdaTimeout defaulting to 900 (Lambda's longest)", () => {
      expect(Object.keys(template.Parameters)).toEqual(expect.arrayContaining([...options.parameters]));
      expect(template.Parameters['LambdaTimeout']?.Default).toBe(900);
    });

    it('refers only to declared parameters, resources and conditions', () => {
      expect(undeclaredReferences(template)).toEqual([]);
    });

    it('grants no wildcard action and no * resource to actions that can be scoped', () => {
      expect(policyStatements(template).length).toBeGreaterThan(0);
      expect(wildcardGrants(template)).toEqual([]);
    });

    it('sets only environment variables the connector or core reads', async () => {
      const variables = fn()['Environment'];
      const names =
        isJsonObject(variables) && isJsonObject(variables['Variables']) ? Object.keys(variables['Variables']) : [];
      const sources = await Promise.all(
        [...CORE_CONFIG_SOURCES, ...options.configSources.map((source) => join(options.packageRoot, source))].map(
          (source) => readFile(source, 'utf8'),
        ),
      );
      expect(names.length).toBeGreaterThan(0);
      // NODE_OPTIONS is Node's own.
      expect(
        names.filter((name) => name !== 'NODE_OPTIONS' && !sources.some((source) => source.includes(`'${name}'`))),
      ).toEqual([]);
    });

    it('logs to a log group the stack creates with the retention of LogRetentionInDays, which is all the role may write to', () => {
      const logging = fn()['LoggingConfig'];
      const groupName =
        isJsonObject(logging) && isJsonObject(logging['LogGroup']) ? logging['LogGroup']['Ref'] : undefined;
      const group = template.Resources[String(groupName)];
      const logGrants = policyStatements(template).filter(({ statement }) =>
        statementActions(statement).some((action) => action.startsWith('logs:')),
      );
      const functionName = fn()['FunctionName'];
      expect(group?.Type).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties['RetentionInDays']).toEqual({ Ref: 'LogRetentionInDays' });
      expect(group?.Properties['LogGroupName']).toEqual({
        'Fn::Sub': `/aws/lambda/\${${String(isJsonObject(functionName) ? functionName['Ref'] : functionName)}}`,
      });
      expect(logGrants.map(({ statement }) => statement.Resource)).toEqual([
        { 'Fn::GetAtt': `${String(groupName)}.Arn` },
      ]);
    });

    it('scopes kms:GenerateDataKey to the key, whether the parameter is a key id or a key ARN', () => {
      const parameter = 'KMSKeyId' in template.Parameters ? 'KMSKeyId' : 'KmsKeyId';
      const grant = policyStatements(template).find(({ statement }) => statement.Action === 'kms:GenerateDataKey');
      const resource = (value: string): Json =>
        evaluateIntrinsics(grant?.statement.Resource ?? null, template, { [parameter]: value });
      expect(resource('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(
        'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      );
      expect(resource('arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(
        'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      );
    });

    if (options.inVpc === true) {
      it('runs in a VPC and grants what Lambda needs for the network interfaces', () => {
        const granted = new Set(policyStatements(template).flatMap(({ statement }) => statementActions(statement)));
        expect('VpcConfig' in fn()).toBe(true);
        expect(VPC_ACTIONS.filter((action) => !granted.has(action))).toEqual([]);
      });
    } else {
      it('runs outside any VPC', () => {
        expect('VpcConfig' in fn()).toBe(false);
      });
    }

    it('passes cfn-lint', async () => {
      expect(await cfnLint(path)).toBe('');
    }, 120_000);
  });
}
