/**
 * Reading a SAM template the way CloudFormation does, for the deploy smoke tests: short-form tags
 * (`!Ref X`, `!Sub …`) read as their long forms, and the checks a template must pass before it is
 * deployed — every reference declared, no wildcard grant — plus an evaluator for the intrinsic
 * functions policy resources use. Kept apart from the vitest helpers so core's own tests can show
 * each check failing on a broken template.
 */
import { readFile } from 'node:fs/promises';
import type { CollectionTag, ScalarTag } from 'yaml';
import { missingPackage } from './missing-package.js';

/** A JSON value, as a parsed template holds them. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The parts of a SAM template the checks read. */
export interface SamTemplate {
  readonly Parameters: Record<string, { Type: string; Default?: Json }>;
  readonly Conditions?: Record<string, Json>;
  readonly Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, Json> }>;
}

/** One IAM policy statement of a template. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: Json;
  readonly Resource: Json;
  readonly Condition?: Json;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Actions that have no resource-level permissions, so `Resource: '*'` is their only form. */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'dynamodb:ListTables',
  'kms:GenerateRandom',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
]);

// CloudFormation's short forms (`!Ref X`, `!Sub …`, `!If […]`) become the long forms ({ Ref: X }, { 'Fn::Sub': … }).
const cloudFormationTags = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr',
].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const scalar: ScalarTag = { tag: `!${name}`, resolve: (value) => ({ [key]: value }) };
  const sequence: CollectionTag = {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value) => ({ [key]: value.toJSON() }),
  };
  const mapping: CollectionTag = {
    tag: `!${name}`,
    collection: 'map',
    resolve: (value) => ({ [key]: value.toJSON() }),
  };
  return [scalar, sequence, mapping];
});

/** Parses template text, short-form tags read as their long forms. */
export async function parseSamTemplate(text: string): Promise<SamTemplate> {
  const { parse } = await import('yaml').catch(missingPackage('yaml', 'parseSamTemplate'));
  return parse(text, { customTags: cloudFormationTags }) as SamTemplate;
}

/** Reads and parses the template file at `path`. */
export async function readSamTemplate(path: string): Promise<SamTemplate> {
  return parseSamTemplate(await readFile(path, 'utf8'));
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The properties of the template's `ConnectorFunction`, the resource every connector template names its Lambda. */
export function functionProperties(template: SamTemplate): Record<string, Json> {
  return template.Resources['ConnectorFunction']?.Properties ?? {};
}

/** Every name a template refers to that it does not declare, as `where: name`. */
export function undeclaredReferences(template: SamTemplate): string[] {
  const declared = new Set([
    ...Object.keys(template.Parameters),
    ...Object.keys(template.Resources),
    ...PSEUDO_PARAMETERS,
  ]);
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];
  const visit = (node: Json, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, `${where}[${i}]`);
      });
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !declared.has(value)) problems.push(`${where}: Ref ${value}`);
      if (key === 'Condition' && typeof value === 'string' && !conditions.has(value))
        problems.push(`${where}: Condition ${value}`);
      if (key === 'Fn::If' && Array.isArray(value) && typeof value[0] === 'string' && !conditions.has(value[0]))
        problems.push(`${where}: Fn::If ${value[0]}`);
      if (key === 'Fn::GetAtt') {
        const resource = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.split('.')[0] : undefined;
        if (typeof resource !== 'string' || !(resource in template.Resources))
          problems.push(`${where}: Fn::GetAtt ${JSON.stringify(value)}`);
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(value) ? [value[0], value[1]] : [value, undefined];
        const local = new Set(isJsonObject(variables) ? Object.keys(variables) : []);
        // ${Name} and ${Resource.Attribute}; ${!Literal} is escaped text.
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = (match[1] ?? '').split('.')[0] ?? '';
          if (!declared.has(name) && !local.has(name)) problems.push(`${where}: \${${match[1]}} in Fn::Sub`);
        }
        if (variables !== undefined) visit(variables, `${where}.Fn::Sub`);
        continue;
      }
      visit(value, `${where}.${key}`);
    }
  };
  visit(template as unknown as Json, 'template');
  return problems;
}

/** Every IAM policy statement in the template's resources, with where it is. */
export function policyStatements(template: SamTemplate): { where: string; statement: PolicyStatement }[] {
  const found: { where: string; statement: PolicyStatement }[] = [];
  const visit = (node: Json, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, `${where}[${i}]`);
      });
      return;
    }
    if (!isJsonObject(node)) return;
    const statements = node['Statement'];
    if ('Version' in node && Array.isArray(statements))
      for (const [i, statement] of statements.entries())
        found.push({ where: `${where}.Statement[${i}]`, statement: statement as unknown as PolicyStatement });
    for (const [key, value] of Object.entries(node)) visit(value, `${where}.${key}`);
  };
  visit(template.Resources as unknown as Json, 'Resources');
  return found;
}

/** The actions of a statement, a single action read as a list of one. */
export function statementActions(statement: PolicyStatement): string[] {
  return ([] as Json[]).concat(statement.Action).map(String);
}

/** Statements that allow a wildcard action, or `*` resources for actions that have resource-level permissions. */
export function wildcardGrants(template: SamTemplate): string[] {
  const problems: string[] = [];
  for (const { where, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow' || where.includes('AssumeRolePolicyDocument')) continue;
    const actions = statementActions(statement);
    const resources = ([] as Json[]).concat(statement.Resource);
    for (const action of actions) if (action.includes('*')) problems.push(`${where}: action ${action}`);
    if (resources.includes('*'))
      for (const action of actions)
        if (!ACTIONS_WITHOUT_RESOURCES.has(action)) problems.push(`${where}: ${action} on *`);
  }
  return problems;
}

/** Pseudo parameters for {@link evaluateIntrinsics}: a stack in us-east-1 of account 123456789012. */
const PSEUDO_VALUES: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
};

/**
 * Evaluates the intrinsic functions a policy resource uses (Ref, Sub, If, Select, Split and the
 * condition functions) for the given parameter values, as CloudFormation would.
 *
 * @throws {Error} naming any other intrinsic function.
 */
export function evaluateIntrinsics(
  node: Json,
  template: SamTemplate,
  parameters: Readonly<Record<string, string>>,
): Json {
  const value = (name: string): string =>
    parameters[name] ?? PSEUDO_VALUES[name] ?? String(template.Parameters[name]?.Default ?? '');
  const condition = (name: string): boolean =>
    evaluateIntrinsics(template.Conditions?.[name] ?? null, template, parameters) === true;
  const evaluate = (item: Json | undefined): Json => evaluateIntrinsics(item ?? null, template, parameters);
  if (Array.isArray(node)) return node.map(evaluate);
  if (!isJsonObject(node)) return node;
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
      return evaluate(args[condition(String(args[0])) ? 1 : 2]);
    case 'Fn::Equals':
      return evaluate(args[0]) === evaluate(args[1]);
    case 'Fn::Not':
      return evaluate(args[0]) !== true;
    case 'Fn::And':
      return args.every((item) => evaluate(item) === true);
    case 'Fn::Split':
      return String(evaluate(args[1])).split(String(args[0]));
    case 'Fn::Select': {
      const list = evaluate(args[1]);
      return Array.isArray(list) ? (list[Number(args[0])] ?? null) : null;
    }
    default:
      throw new Error(`evaluateIntrinsics: ${key} is not supported`);
  }
}
