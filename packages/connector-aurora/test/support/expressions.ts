/**
 * Test support: builds V4 federation expressions (FunctionCall / Variable / Constant) the way
 * Athena sends them, constants in one-column `col1` Arrow blocks.
 */
import { arrowTypeToJson, buildRecordBatch } from '@athena-federation/connector-core';
import type { FederationExpression } from '@athena-federation/connector-core';
import { Bool, Field, Schema, type DataType } from 'apache-arrow';

/** A column reference of Athena type `type`. */
export function column(name: string, type: DataType): FederationExpression {
  return { '@type': 'VariableExpression', columnName: name, type: arrowTypeToJson(type) };
}

/** A constant; an array of values is a multi-row constant (an IN list). */
export function constant(type: DataType, value: unknown): FederationExpression {
  const values = Array.isArray(value) ? value : [value];
  const schema = new Schema([new Field('col1', type, true)]);
  return {
    '@type': 'ConstantExpression',
    type: arrowTypeToJson(type),
    valueBlock: {
      aId: 'test',
      schema,
      records: buildRecordBatch(
        schema,
        values.map((v) => [v]),
      ),
    },
  };
}

/** A function call returning `type`. */
export function call(name: string, type: DataType, ...args: FederationExpression[]): FederationExpression {
  return {
    '@type': 'FunctionCallExpression',
    type: arrowTypeToJson(type),
    functionName: { functionName: name },
    arguments: args,
  };
}

/** A boolean-valued function call (comparisons, AND/OR/NOT, LIKE, IN, IS NULL). */
export function predicate(name: string, ...args: FederationExpression[]): FederationExpression {
  return call(name, new Bool(), ...args);
}
