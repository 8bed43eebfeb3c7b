/**
 * A connector that honours what local-athena pushes beyond the summary, built on core's reference
 * connector: it advertises the capabilities it is given, applies V4 expressions to its rows with
 * SQL's three-valued logic, sorts each split for top-N (core then cuts at the limit), and records
 * every ReadRecords' constraints so tests can see exactly what was sent.
 */
import {
  type Connector,
  type Constraints,
  type DataSourceCapabilities,
  type FederationExpression,
  type Row,
  readValue,
} from '@athena-federation/connector-core';
import { type ReferenceTable, createReferenceConnector } from '@athena-federation/connector-core/testing';

type Value = string | number | bigint | boolean | null;

function constants(expression: Extract<FederationExpression, { '@type': 'ConstantExpression' }>): Value[] {
  const column = expression.valueBlock.records.getChildAt(0);
  return Array.from({ length: expression.valueBlock.records.numRows }, (_, i) =>
    column === null ? null : (readValue(column, i) as Value),
  );
}

function compare(a: Value, b: Value): number {
  if (a === null || b === null) throw new Error('compare() got null');
  return a < b ? -1 : a > b ? 1 : 0;
}

function arithmetic(name: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (name === '$add') return a + b;
    if (name === '$subtract') return a - b;
    if (name === '$multiply') return a * b;
    if (name === '$modulus') return a % b;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (name === '$add') return a + b;
    if (name === '$subtract') return a - b;
    if (name === '$multiply') return a * b;
    if (name === '$divide') return a / b;
    if (name === '$modulus') return a % b;
  }
  throw new Error(`${name} of ${typeof a} and ${typeof b} is not implemented here`);
}

/** Evaluates an expression on one row (values by column name), NULL as null. */
export function evaluate(expression: FederationExpression, row: Readonly<Record<string, unknown>>): Value | Value[] {
  if (expression['@type'] === 'VariableExpression') return (row[expression.columnName] ?? null) as Value;
  if (expression['@type'] === 'ConstantExpression') {
    const values = constants(expression);
    return values.length === 1 ? (values[0] ?? null) : values;
  }
  const name = expression.functionName.functionName;
  const args = expression.arguments.map((a) => evaluate(a, row));
  const scalar = (i: number): Value => {
    const v = args[i];
    if (Array.isArray(v)) throw new Error(`${name} argument ${i} is a list`);
    return v ?? null;
  };
  switch (name) {
    case '$and':
      return args.some((v) => v === false) ? false : args.some((v) => v === null) ? null : true;
    case '$or':
      return args.some((v) => v === true) ? true : args.some((v) => v === null) ? null : false;
    case '$not':
      return scalar(0) === null ? null : !scalar(0);
    case '$is_null':
      return scalar(0) === null;
    case '$negate': {
      const v = scalar(0);
      return v === null ? null : typeof v === 'bigint' ? -v : -(v as number);
    }
    case '$array':
      return Array.isArray(args[0]) ? args[0] : [scalar(0)];
    case '$in': {
      const v = scalar(0);
      const list = Array.isArray(args[1]) ? args[1] : [args[1] ?? null];
      if (v === null) return null;
      return list.some((item) => item !== null && compare(v, item) === 0) ? true : list.includes(null) ? null : false;
    }
    case '$like_pattern': {
      const v = scalar(0);
      const pattern = scalar(1);
      if (v === null || pattern === null) return null;
      const regex = new RegExp(
        `^${[...String(pattern)].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))).join('')}$`,
        'su',
      );
      return regex.test(String(v));
    }
    default: {
      const a = scalar(0);
      const b = scalar(1);
      if (['$add', '$subtract', '$multiply', '$divide', '$modulus'].includes(name)) return arithmetic(name, a, b);
      if (name === '$is_distinct_from') return a === null || b === null ? a !== b : compare(a, b) !== 0;
      if (a === null || b === null) return null;
      const c = compare(a, b);
      const results: Readonly<Record<string, boolean>> = {
        $equal: c === 0,
        $not_equal: c !== 0,
        $less_than: c < 0,
        $less_than_or_equal: c <= 0,
        $greater_than: c > 0,
        $greater_than_or_equal: c >= 0,
      };
      const result = results[name];
      if (result === undefined) throw new Error(`${name} is not implemented here`);
      return result;
    }
  }
}

function sortRows(rows: Record<string, unknown>[], constraints: Constraints): void {
  rows.sort((x, y) => {
    for (const { columnName, direction } of constraints.orderByClause) {
      const a = (x[columnName] ?? null) as Value;
      const b = (y[columnName] ?? null) as Value;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === direction.endsWith('NULLS_FIRST') ? -1 : 1;
      }
      const c = compare(a, b) * (direction.startsWith('DESC') ? -1 : 1);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The connector and the constraints of every ReadRecords call it served. */
export function createPushdownConnector(
  tables: readonly ReferenceTable[],
  capabilities: DataSourceCapabilities,
): { connector: Connector; reads: Constraints[] } {
  const reference = createReferenceConnector({ tables, capabilities });
  const reads: Constraints[] = [];
  const connector: Connector = {
    ...reference,
    async *readSplit(ctx, input) {
      reads.push(input.constraints);
      // It applies every expression and the ordering below, so core may stop at the limit.
      input.confirmExactPushdown();
      const kept: Record<string, unknown>[] = [];
      for await (const chunk of reference.readSplit(ctx, input)) {
        if (!Array.isArray(chunk)) throw new Error('the reference tables of these tests yield rows, not batches');
        for (const row of chunk as readonly Row[]) {
          const record = row as Record<string, unknown>;
          if (input.constraints.expression.every((e) => evaluate(e, record) === true)) kept.push(record);
        }
      }
      if (input.constraints.orderByClause.length > 0) sortRows(kept, input.constraints);
      yield kept;
    },
  };
  return { connector, reads };
}
