/**
 * The kit's statement assembly, without a database: placeholders numbered in parameter order across
 * the split's own predicates, summaries, expressions and LIMIT; names that could smuggle the
 * parameter mark refused; a partition asked of a dialect that has none refused by name.
 */
import { StandardFunctionNames as F, arrowTypeToJson, makeValueBlock } from '@athena-federation/connector-core';
import type { FederationExpression, ValueSet } from '@athena-federation/connector-core';
import { PARAMETER, buildSelect } from '@athena-federation/connector-core/sql';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { Bool, Field, Int64, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type NumberedColumn, numberedDialect } from './numbered-dialect.js';

const n: NumberedColumn = { name: 'n', kind: 'bigint', field: new Field('n', new Int64(), true) };
const label: NumberedColumn = { name: 'La"bel', kind: 'text', field: new Field('La"bel', new Utf8(), true) };
const columns = [n, label];
const inList = (column: NumberedColumn, values: readonly unknown[]): ValueSet => ({
  '@type': 'EquatableValueSet',
  valueBlock: makeValueBlock(column.field, values),
  whiteList: true,
  nullAllowed: false,
});
const greaterThan = (value: bigint): FederationExpression => ({
  '@type': 'FunctionCallExpression',
  type: arrowTypeToJson(new Bool()),
  functionName: { functionName: F.greaterThan },
  arguments: [
    { '@type': 'VariableExpression', columnName: 'n', type: arrowTypeToJson(new Int64()) },
    { '@type': 'ConstantExpression', type: arrowTypeToJson(new Int64()), valueBlock: makeValueBlock(n.field, [value]) },
  ],
});
const spec = { schemaName: 'public', tableName: 't', columns, tableColumns: columns };

describe('buildSelect', () => {
  it('numbers placeholders in the order of params, split predicates first and LIMIT last', () => {
    const statement = buildSelect(numberedDialect, {
      ...spec,
      constraints: {
        ...makeConstraints({ summary: { 'La"bel': inList(label, ['x', 'y']) }, expression: [greaterThan(5n)] }),
        limit: 3n,
      },
      splitPredicates: [{ sql: `"n" >= ${PARAMETER}::int8 AND "n" < ${PARAMETER}::int8`, params: ['0', '100'] }],
    });
    expect(statement).toEqual({
      sql: 'SELECT "n", "La""bel" FROM "public"."t" WHERE "n" >= $1::int8 AND "n" < $2::int8 AND ("n" > $3::int8) AND "La""bel" IN ($4, $5) LIMIT $6',
      params: ['0', '100', '5', 'x', 'y', '3'],
      exactPushdown: true,
    });
  });

  it('refuses names with NUL, the parameter mark, before any dialect quotes them', () => {
    expect(() =>
      buildSelect(numberedDialect, {
        ...spec,
        tableName: `t${PARAMETER}`,
        constraints: makeConstraints(),
        splitPredicates: [],
      }),
    ).toThrow(/NUL/);
    const sneaky: NumberedColumn = { ...n, name: `n${PARAMETER}` };
    expect(() =>
      buildSelect(numberedDialect, {
        ...spec,
        columns: [sneaky],
        tableColumns: [sneaky],
        constraints: makeConstraints(),
        splitPredicates: [],
      }),
    ).toThrow(/NUL/);
  });

  it('refuses a partition when the dialect reads none, naming it', () => {
    expect(() =>
      buildSelect(numberedDialect, { ...spec, partition: 'p0', constraints: makeConstraints(), splitPredicates: [] }),
    ).toThrow(/partition "p0"/);
  });
});
