// What a Lambda deployment of each connector gets: the zip its bundle.mjs writes (as `pnpm build`
// does, here into a temporary directory) and its SAM template. The zip must hold a bundle that runs
// from the zip alone, stay within the size budgets, and the template must point at that bundle,
// declare the parameters of AWS's connector templates and grant no wildcard permissions.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';
import { type ConnectionType, CreateConnectionCommand, GlueClient } from '@aws-sdk/client-glue';

const packagesRoot = fileURLToPath(new URL('../../..', import.meta.url));
const MiB = 1024 * 1024;

/**
 * Budgets, measured first (see each connector README's "Deployment" section) and set with room to
 * grow: Lambda allows 250 MB unzipped, but what matters sooner is the code compiled at cold start.
 */
const budget = { zippedBytes: 2 * MiB, unzippedBytes: 6 * MiB, coldStartCodeBytes: 800 * 1024 };

/** Packages only spilling (S3, KMS) or a database connection needs: loaded on first use, never at cold start. */
const spillPackages = ['@aws-sdk/client-s3', '@aws-sdk/client-kms'];

/** Packages only Glue connection mode (Glue) or cross-account reads (STS) need: loaded on first use too. */
const modePackages = ['@aws-sdk/client-glue'];

/**
 * Each template keeps every parameter name of the AWS template for the Java connector it stands in
 * for (athena-dynamodb.yaml, athena-mysql.yaml and their -connection.yaml variants), and adds only
 * its own. `connection` is what a Glue connection holds for the Ping of a Glue-connection template.
 */
const connectors = [
  {
    name: 'dynamodb',
    sourceType: 'dynamodb',
    optionalExternals: [],
    lazyPackages: [...spillPackages, ...modePackages, '@aws-sdk/client-sts'],
    templates: [
      { file: 'template.yaml', env: {}, parameters: ['AthenaCatalogName', 'SpillBucket', 'SpillPrefix', 'LambdaTimeout', 'LambdaMemory', 'LambdaRole', 'DisableSpillEncryption', 'KMSKeyId', 'PermissionsBoundaryARN', 'DynamoDBTableNames', 'GlueDatabaseNames', 'CrossAccountRoleArn', 'LogRetentionInDays'] },
      { file: 'template-connection.yaml', connection: { ConnectionType: 'DYNAMODB', ConnectionProperties: {} }, parameters: ['LambdaFunctionName', 'SpillBucket', 'GlueConnection', 'LambdaRoleArn', 'KmsKeyId', 'LogRetentionInDays'] },
    ],
  },
  {
    name: 'aurora',
    sourceType: 'mysql',
    optionalExternals: ['cardinal'],
    lazyPackages: [...spillPackages, ...modePackages, 'mysql2', 'iconv-lite', '@aws-sdk/rds-signer'],
    templates: [
      {
        file: 'template.yaml',
        // Read at import; a Ping opens no connection.
        env: { default: 'mysql://jdbc:mysql://127.0.0.1:3306/test?user=root' },
        parameters: ['LambdaFunctionName', 'DefaultConnectionString', 'SecretNamePrefix', 'SpillBucket', 'SpillPrefix', 'LambdaTimeout', 'LambdaMemory', 'LambdaRoleARN', 'DisableSpillEncryption', 'SecurityGroupIds', 'SubnetIds', 'PermissionsBoundaryARN', 'KMSKeyId', 'LogRetentionInDays'],
      },
      {
        file: 'template-connection.yaml',
        connection: { ConnectionType: 'MYSQL', ConnectionProperties: { HOST: '127.0.0.1', PORT: '3306', DATABASE: 'test', JDBC_PARAMS: 'user=root' } },
        parameters: ['LambdaFunctionName', 'SecretName', 'SpillBucket', 'GlueConnection', 'LambdaRoleArn', 'SecurityGroupIds', 'SubnetIds', 'KmsKeyId', 'LogRetentionInDays'],
      },
    ],
  },
] as const;

/** Every template in the repository, for cfn-lint. */
const allTemplates = [...connectors.flatMap((c) => c.templates.map((t) => join(packagesRoot, `connector-${c.name}`, t.file))), join(packagesRoot, '..', 'examples', 'hello-connector', 'template.yaml')];

/** The EC2 actions of AWSLambdaVPCAccessExecutionRole: what Lambda needs to give a function interfaces in a VPC. */
const vpcActions = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];

/** Actions that have no resource-level permissions, so `Resource: '*'` is their only form. */
const actionsWithoutResources = new Set(['dynamodb:ListTables', 'kms:GenerateRandom', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);

const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NoValue', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

// CloudFormation's short forms (`!Ref X`, `!Sub …`, `!If […]`) become the long forms ({ Ref: X }, { 'Fn::Sub': … }).
const cloudFormationTags = ['Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'Base64', 'GetAZs', 'ImportValue', 'Cidr'].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const scalar: ScalarTag = { tag: `!${name}`, resolve: (value) => ({ [key]: value }) };
  const sequence: CollectionTag = { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) };
  const mapping: CollectionTag = { tag: `!${name}`, collection: 'map', resolve: (value) => ({ [key]: value.toJSON() }) };
  return [scalar, sequence, mapping];
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface Template {
  readonly Parameters: Record<string, { Type: string; Default?: Json }>;
  readonly Conditions?: Record<string, Json>;
  readonly Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, Json> }>;
}

function parseTemplate(text: string): Template {
  return parse(text, { customTags: cloudFormationTags }) as Template;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every name a template refers to that it does not declare, as `where: name`. */
function undeclaredReferences(template: Template): string[] {
  const declared = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), ...PSEUDO_PARAMETERS]);
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];
  const visit = (node: Json, where: string, subVariables: ReadonlySet<string>): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${where}[${i}]`, subVariables));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !declared.has(value)) problems.push(`${where}: Ref ${value}`);
      if (key === 'Condition' && typeof value === 'string' && !conditions.has(value)) problems.push(`${where}: Condition ${value}`);
      if (key === 'Fn::If' && Array.isArray(value) && typeof value[0] === 'string' && !conditions.has(value[0])) problems.push(`${where}: Fn::If ${value[0]}`);
      if (key === 'Fn::GetAtt') {
        const resource = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.split('.')[0] : undefined;
        if (typeof resource !== 'string' || !(resource in template.Resources)) problems.push(`${where}: Fn::GetAtt ${JSON.stringify(value)}`);
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(value) ? [value[0], value[1]] : [value, undefined];
        const local = new Set(isObject(variables) ? Object.keys(variables) : []);
        // ${Name} and ${Resource.Attribute}; ${!Literal} is escaped text.
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = (match[1] ?? '').split('.')[0] ?? '';
          if (!declared.has(name) && !local.has(name) && !subVariables.has(name)) problems.push(`${where}: \${${match[1]}} in Fn::Sub`);
        }
        if (variables !== undefined) visit(variables, `${where}.Fn::Sub`, subVariables);
        continue;
      }
      visit(value, `${where}.${key}`, subVariables);
    }
  };
  visit(template as unknown as Json, 'template', new Set());
  return problems;
}

interface Statement {
  readonly Effect: string;
  readonly Action: Json;
  readonly Resource: Json;
}

/** Every IAM policy statement in the template, with where it is. */
function policyStatements(template: Template): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  const visit = (node: Json, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${where}[${i}]`));
    if (!isObject(node)) return;
    const statements = node['Statement'];
    if ('Version' in node && Array.isArray(statements)) for (const [i, statement] of statements.entries()) found.push({ where: `${where}.Statement[${i}]`, statement: statement as unknown as Statement });
    for (const [key, value] of Object.entries(node)) visit(value, `${where}.${key}`);
  };
  visit(template.Resources as unknown as Json, 'Resources');
  return found;
}

/** Statements that allow a wildcard action, or `*` resources for actions that have resource-level permissions. */
function wildcardGrants(template: Template): string[] {
  const problems: string[] = [];
  for (const { where, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow' || where.includes('AssumeRolePolicyDocument')) continue;
    const actions = ([] as Json[]).concat(statement.Action).map(String);
    const resources = ([] as Json[]).concat(statement.Resource);
    for (const action of actions) if (action.includes('*')) problems.push(`${where}: action ${action}`);
    if (resources.includes('*')) for (const action of actions) if (!actionsWithoutResources.has(action)) problems.push(`${where}: ${action} on *`);
  }
  return problems;
}

/** What a fresh process compiles before the first request: the entry and the chunks it imports statically. */
function coldStartOutputs(metafile: Metafile, entry: string): Metafile['outputs'][string][] {
  const byName = new Map(Object.entries(metafile.outputs).map(([path, output]) => [basename(path), output]));
  const seen = new Map<string, Metafile['outputs'][string]>();
  const visit = (name: string): void => {
    const output = byName.get(name);
    if (output === undefined || seen.has(name)) return;
    seen.set(name, output);
    for (const item of output.imports) if (item.kind === 'import-statement' && item.external !== true) visit(basename(item.path));
  };
  visit(entry);
  return [...seen.values()];
}

interface BuiltConnector {
  readonly zip: Uint8Array;
  readonly files: Record<string, Uint8Array>;
  readonly metafile: Metafile;
  readonly extractedDir: string;
}

let workDir: string;
const built = new Map<string, BuiltConnector>();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'deploy-lambda-'));
  for (const connector of connectors) {
    const packageRoot = join(packagesRoot, `connector-${connector.name}`);
    const dir = join(workDir, connector.name);
    await promisify(execFile)(process.execPath, [join(packageRoot, 'bundle.mjs'), join(dir, 'build', 'index.mjs'), join(dir, 'lambda.zip')]);
    const zip = new Uint8Array(await readFile(join(dir, 'lambda.zip')));
    const files = unzipSync(zip);
    // Unpacked where no node_modules is reachable, as Lambda unpacks it into /var/task.
    const extractedDir = join(dir, 'task');
    await mkdir(extractedDir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(extractedDir, name), bytes);
    built.set(connector.name, {
      zip,
      files,
      metafile: JSON.parse(await readFile(join(dir, 'lambda.meta.json'), 'utf8')) as Metafile,
      extractedDir,
    });
  }
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function builtConnector(name: string): BuiltConnector {
  const result = built.get(name);
  if (result === undefined) throw new Error(`${name} was not built`);
  return result;
}

/** Imports `exportName` of `module` from the unpacked zip in a fresh node and answers a Ping with it. */
async function pingFromZip(dir: string, module: string, exportName: string, env: Readonly<Record<string, string>>): Promise<{ exportType: string; ping: Record<string, unknown> }> {
  const script = `
    const exported = (await import(${JSON.stringify(pathToFileURL(join(dir, module)).href)}))[${JSON.stringify(exportName)}];
    const identity = { id: 'x', principal: 'x', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: {}, groups: [] };
    const ping = typeof exported === 'function' ? await exported({ '@type': 'PingRequest', identity, catalogName: 'deploy', queryId: 'q1' }) : null;
    console.log(JSON.stringify({ exportType: typeof exported, ping }));
  `;
  const { NODE_OPTIONS: _loader, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { ...inherited, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { exportType: string; ping: Record<string, unknown> };
}

describe.each(connectors)('$name Lambda zip', (connector) => {
  it('holds every file of the bundle at its root, each with its source map', () => {
    // Prepare
    const { files, metafile } = builtConnector(connector.name);
    // Assess
    const names = Object.keys(files).sort();
    expect(names).toEqual(Object.keys(metafile.outputs).map((path) => basename(path)).sort());
    expect(names).toContain('index.mjs');
    for (const name of names.filter((n) => n.endsWith('.mjs'))) expect(names).toContain(`${name}.map`);
  });

  it('stays within the size budgets', () => {
    // Prepare
    const { zip, files, metafile } = builtConnector(connector.name);
    // Act
    const unzipped = Object.values(files).reduce((total, bytes) => total + bytes.byteLength, 0);
    // Assess
    expect(zip.byteLength).toBeLessThanOrEqual(budget.zippedBytes);
    expect(unzipped).toBeLessThanOrEqual(budget.unzippedBytes);
    expect(coldStartOutputs(metafile, 'index.mjs').reduce((total, output) => total + output.bytes, 0)).toBeLessThanOrEqual(budget.coldStartCodeBytes);
  });

  it('leaves the spill SDKs (and the database driver) out of the code compiled at cold start', () => {
    // Prepare
    const { metafile } = builtConnector(connector.name);
    // Act
    const inputs = coldStartOutputs(metafile, 'index.mjs').flatMap((output) => Object.keys(output.inputs));
    const bundled = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    // Assess: in the zip, but only in chunks loaded by import().
    for (const name of connector.lazyPackages) {
      expect(bundled.some((path) => path.includes(`/node_modules/${name}/`)), `${name} is in the bundle`).toBe(true);
      expect(inputs.filter((path) => path.includes(`/node_modules/${name}/`)), `${name} at cold start`).toEqual([]);
    }
  });

  it('imports nothing at run time but Node built-ins (and optional modules loaded in try/catch)', () => {
    // Prepare
    const { metafile } = builtConnector(connector.name);
    // Act
    const externals = new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((item) => item.external === true).map((item) => item.path)));
    // Assess
    const builtins = new Set(builtinModules);
    expect([...externals].filter((path) => !path.startsWith('node:') && !builtins.has(path)).sort()).toEqual([...connector.optionalExternals]);
  });
});

/** Every template of every connector, with what the Ping from its zip needs. */
const templateCases = connectors.flatMap((connector) => connector.templates.map((t) => ({ ...t, connector, label: `${connector.name} ${t.file}` })));

/** A Glue connection in moto for a Glue-connection template's Ping (names unique per run). */
async function glueConnection(connection: { ConnectionType: ConnectionType; ConnectionProperties: Readonly<Record<string, string>> }): Promise<string> {
  const name = `deploy-${connection.ConnectionType.toLowerCase()}-${Date.now().toString(36)}`;
  const glue = new GlueClient({});
  try {
    await glue.send(new CreateConnectionCommand({ ConnectionInput: { Name: name, ConnectionType: connection.ConnectionType, ConnectionProperties: { ...connection.ConnectionProperties } } }));
  } finally {
    glue.destroy();
  }
  return name;
}

/** The function's resource and its properties. */
function functionOf(template: Template): Record<string, Json> {
  return template.Resources['ConnectorFunction']?.Properties ?? {};
}

describe.each(templateCases)('$label', (templateCase) => {
  const { connector } = templateCase;
  let template: Template;
  beforeAll(async () => {
    template = parseTemplate(await readFile(join(packagesRoot, `connector-${connector.name}`, templateCase.file), 'utf8'));
  });

  it('runs the zip: Handler names a function exported by a module at the zip root that answers Ping', async () => {
    // Prepare: a Glue-connection template's function has only glue_connection, read from moto's Glue at the Ping.
    const { extractedDir } = builtConnector(connector.name);
    const properties = functionOf(template);
    const [module = '', exportName = ''] = String(properties['Handler']).split('.');
    const env = 'connection' in templateCase ? { glue_connection: await glueConnection(templateCase.connection) } : templateCase.env;
    // Act
    const result = await pingFromZip(extractedDir, `${module}.mjs`, exportName, env);
    // Assess
    expect(properties['Runtime']).toBe('nodejs22.x');
    // What the connector's bundle.mjs writes when `pnpm build` runs it.
    expect(properties['CodeUri']).toBe('dist/lambda.zip');
    expect(result.exportType).toBe('function');
    expect(result.ping).toMatchObject({ '@type': 'PingResponse', sourceType: connector.sourceType, catalogName: 'deploy' });
  }, 30_000);

  it("declares the parameters of AWS's connector template, LambdaTimeout defaulting to 900", () => {
    expect(Object.keys(template.Parameters)).toEqual(expect.arrayContaining([...templateCase.parameters]));
    expect(template.Parameters['LambdaTimeout']?.Default).toBe(900);
  });

  it('refers only to declared parameters, resources and conditions', () => {
    expect(undeclaredReferences(template)).toEqual([]);
  });

  it('grants no wildcard action and no * resource to actions that can be scoped', () => {
    expect(policyStatements(template).length).toBeGreaterThan(0);
    expect(wildcardGrants(template)).toEqual([]);
  });

  it('sets only environment variables the connector reads', async () => {
    // Prepare
    const variables = functionOf(template)['Environment'];
    const names = isObject(variables) && isObject(variables['Variables']) ? Object.keys(variables['Variables']) : [];
    const sources = await Promise.all(
      [join(packagesRoot, 'connector-core', 'src', 'handler', 'handler-config.ts'), join(packagesRoot, 'connector-core', 'src', 'spill', 'spill-config.ts'), join(packagesRoot, 'connector-core', 'src', 'handler', 'glue-connection.ts'), join(packagesRoot, `connector-${connector.name}`, 'src', `${connector.name}-config.ts`)].map((path) => readFile(path, 'utf8')),
    );
    // Assess: NODE_OPTIONS is Node's own.
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => name !== 'NODE_OPTIONS' && !sources.some((source) => source.includes(`'${name}'`)))).toEqual([]);
  });

  it('logs to a log group the stack creates with the retention of LogRetentionInDays, which is all the role may write to', () => {
    // Prepare
    const logging = functionOf(template)['LoggingConfig'];
    const groupName = isObject(logging) && isObject(logging['LogGroup']) ? logging['LogGroup']['Ref'] : undefined;
    const group = template.Resources[String(groupName)];
    const logGrants = policyStatements(template).filter(({ statement }) => ([] as Json[]).concat(statement.Action).some((action) => String(action).startsWith('logs:')));
    // Assess
    expect(group?.Type).toBe('AWS::Logs::LogGroup');
    expect(group?.Properties['RetentionInDays']).toEqual({ Ref: 'LogRetentionInDays' });
    expect(group?.Properties['LogGroupName']).toEqual({ 'Fn::Sub': `/aws/lambda/\${${String((functionOf(template)['FunctionName'] as { Ref: string }).Ref)}}` });
    expect(logGrants.map(({ statement }) => statement.Resource)).toEqual([{ 'Fn::GetAtt': `${String(groupName)}.Arn` }]);
  });

  it('scopes kms:GenerateDataKey to the key, whether the parameter is a key id or a key ARN', () => {
    // Prepare
    const parameter = 'KMSKeyId' in template.Parameters ? 'KMSKeyId' : 'KmsKeyId';
    const grant = policyStatements(template).find(({ statement }) => statement.Action === 'kms:GenerateDataKey');
    const resource = (value: string) => evaluate(grant?.statement.Resource ?? null, template, { [parameter]: value });
    // Assess
    expect(resource('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(resource('arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  });

  it('grants what Lambda needs for the network interfaces of a function in a VPC', () => {
    const granted = new Set(policyStatements(template).flatMap(({ statement }) => ([] as Json[]).concat(statement.Action).map(String)));
    const inVpc = 'VpcConfig' in functionOf(template);
    expect(inVpc).toBe(connector.name === 'aurora');
    if (inVpc) expect(vpcActions.filter((action) => !granted.has(action))).toEqual([]);
  });
});

describe('every template', () => {
  it('passes cfn-lint', async () => {
    // cfn-lint runs the SAM transform first, so it checks what CloudFormation will get.
    const result = await promisify(execFile)('cfn-lint', ['--format', 'parseable', ...allTemplates]).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number | string; stdout?: string; stderr?: string }) => {
        if (error.code === 'ENOENT') throw new Error('cfn-lint was not found: install it with  pip install cfn-lint');
        return { code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
      },
    );
    expect(result).toEqual({ code: 0, output: '' });
  }, 120_000);
});

/** Pseudo parameters for {@link evaluate}: a stack in us-east-1 of account 123456789012. */
const PSEUDO_VALUES: Readonly<Record<string, string>> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };

/**
 * Evaluates the intrinsic functions a policy resource uses (Ref, Sub, If, Select, Split and the
 * condition functions) for the given parameter values, as CloudFormation would.
 */
function evaluate(node: Json, template: Template, parameters: Readonly<Record<string, string>>): Json {
  const value = (name: string): string => parameters[name] ?? PSEUDO_VALUES[name] ?? String(template.Parameters[name]?.Default ?? '');
  const condition = (name: string): boolean => evaluate(template.Conditions?.[name] ?? null, template, parameters) === true;
  if (Array.isArray(node)) return node.map((item) => evaluate(item, template, parameters));
  if (!isObject(node)) return node;
  const [key, argument = null] = Object.entries(node)[0] ?? ['', null];
  const args = Array.isArray(argument) ? argument : [argument];
  switch (key) {
    case 'Ref':
      return value(String(argument));
    case 'Condition':
      return condition(String(argument));
    case 'Fn::Sub':
      return String(argument).replace(/\$\{([^}]+)\}/g, (_, name: string) => value(name));
    case 'Fn::If':
      return evaluate(args[condition(String(args[0])) ? 1 : 2] ?? null, template, parameters);
    case 'Fn::Equals':
      return evaluate(args[0] ?? null, template, parameters) === evaluate(args[1] ?? null, template, parameters);
    case 'Fn::Not':
      return evaluate(args[0] ?? null, template, parameters) !== true;
    case 'Fn::And':
      return args.every((item) => evaluate(item, template, parameters) === true);
    case 'Fn::Split':
      return String(evaluate(args[1] ?? null, template, parameters)).split(String(args[0]));
    case 'Fn::Select': {
      const list = evaluate(args[1] ?? null, template, parameters);
      return Array.isArray(list) ? (list[Number(args[0])] ?? null) : null;
    }
    default:
      throw new Error(`evaluate: ${key} is not supported`);
  }
}

describe('template checks', () => {
  // The checks above must be able to fail: each is shown a template with the fault it looks for.
  const broken = parseTemplate(`
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
});
