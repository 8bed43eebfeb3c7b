/**
 * The wire shapes of Arrow type JSON, value sets, V4 expressions and constraints, in Java's member
 * order (PROTOCOL.md §2.6–2.9); messages.ts builds the requests and responses from them.
 */
import { blockCodec } from './arrow-serde.js';
import { ProtocolError, memberPath } from './protocol-error.js';
import {
  type Codec,
  arrayOf,
  boolean,
  int32,
  int64,
  isEmptyArray,
  isEmptyMap,
  literal,
  mapOf,
  member,
  nullable,
  oneOf,
  polymorphic,
  record,
  string,
} from './serde.js';
import type {
  AllOrNoneValueSet,
  ArrowTypeJson,
  Block,
  ConstantExpression,
  Constraints,
  EquatableValueSet,
  FederationExpression,
  FunctionCallExpression,
  FunctionName,
  Marker,
  OrderByField,
  QueryPlan,
  Range,
  SortedRangeSet,
  StringMap,
  ValueSet,
  VariableExpression,
} from './types.js';

/** A nested object: unknown members are errors (Java's serdes refuse them). */
export const nested = { strict: true } as const;
export const stringMap: Codec<StringMap> = mapOf(string);

// ---------------------------------------------------------------- Arrow type JSON (§2.8)

const timeUnit = oneOf(['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND']);
const typeOnly = <N extends ArrowTypeJson['@type']>(name: N): Codec<Extract<ArrowTypeJson, { '@type': N }>> =>
  record<{ '@type': N }>([member<{ '@type': N }, '@type'>({ key: '@type', codec: literal(name) })], {
    ...nested,
    name: `ArrowType ${name}`,
  }) as Codec<Extract<ArrowTypeJson, { '@type': N }>>;

/** Java `ArrowType` JSON. */
export const arrowTypeCodec: Codec<ArrowTypeJson> = polymorphic<ArrowTypeJson>('ArrowType', {
  Null: typeOnly('Null'),
  Struct: typeOnly('Struct'),
  List: typeOnly('List'),
  Utf8: typeOnly('Utf8'),
  Binary: typeOnly('Binary'),
  Bool: typeOnly('Bool'),
  Map: typeOnly('Map'),
  Int: record(
    [
      member({ key: '@type', codec: literal('Int') }),
      member({ key: 'bitWidth', codec: int32 }),
      member({ key: 'isSigned', codec: boolean }),
    ],
    { ...nested, name: 'ArrowType Int' },
  ),
  FloatingPoint: record(
    [
      member({ key: '@type', codec: literal('FloatingPoint') }),
      member({ key: 'precision', codec: oneOf(['HALF', 'SINGLE', 'DOUBLE']) }),
    ],
    { ...nested, name: 'ArrowType FloatingPoint' },
  ),
  Decimal: record(
    [
      member({ key: '@type', codec: literal('Decimal') }),
      member({ key: 'precision', codec: int32 }),
      member({ key: 'scale', codec: int32 }),
    ],
    { ...nested, name: 'ArrowType Decimal' },
  ),
  Date: record(
    [member({ key: '@type', codec: literal('Date') }), member({ key: 'unit', codec: oneOf(['DAY', 'MILLISECOND']) })],
    { ...nested, name: 'ArrowType Date' },
  ),
  Time: record(
    [
      member({ key: '@type', codec: literal('Time') }),
      member({ key: 'unit', codec: timeUnit }),
      member({ key: 'bitWidth', codec: int32 }),
    ],
    { ...nested, name: 'ArrowType Time' },
  ),
  Timestamp: record(
    [
      member({ key: '@type', codec: literal('Timestamp') }),
      member({ key: 'unit', codec: timeUnit }),
      member({ key: 'timezone', codec: nullable(string) }),
    ],
    { ...nested, name: 'ArrowType Timestamp' },
  ),
  Interval: record(
    [
      member({ key: '@type', codec: literal('Interval') }),
      member({ key: 'unit', codec: oneOf(['YEAR_MONTH', 'DAY_TIME', 'MONTH_DAY_NANO']) }),
    ],
    { ...nested, name: 'ArrowType Interval' },
  ),
  FixedSizeBinary: record(
    [member({ key: '@type', codec: literal('FixedSizeBinary') }), member({ key: 'byteWidth', codec: int32 })],
    { ...nested, name: 'ArrowType FixedSizeBinary' },
  ),
  FixedSizeList: record(
    [member({ key: '@type', codec: literal('FixedSizeList') }), member({ key: 'listSize', codec: int32 })],
    { ...nested, name: 'ArrowType FixedSizeList' },
  ),
});

// ---------------------------------------------------------------- value sets (§2.7)

/** A value block (`col1`): exactly one column; `rows` bounds its row count. */
function checkValueBlock(block: Block, path: string, rows: { min: number; max: number }): void {
  if (block.schema.fields.length !== 1)
    throw new ProtocolError(path, `must have exactly one column, found ${block.schema.fields.length}`);
  const n = block.records.numRows;
  if (n < rows.min || n > rows.max) {
    const wanted =
      rows.min === rows.max ? `${rows.min}` : `${rows.min} to ${rows.max === Infinity ? 'any number of' : rows.max}`;
    throw new ProtocolError(path, `must hold ${wanted} row${rows.max === 1 ? '' : 's'}, found ${n}`);
  }
}

const markerCodec = record<Marker>(
  [
    member({ key: 'valueBlock', codec: blockCodec }),
    member({ key: 'bound', codec: oneOf(['BELOW', 'EXACTLY', 'ABOVE']) }),
    member({ key: 'nullValue', codec: boolean }),
  ],
  {
    ...nested,
    name: 'Marker',
    check: (marker, path) =>
      checkValueBlock(
        marker.valueBlock,
        memberPath(path, 'valueBlock'),
        marker.nullValue ? { min: 0, max: 0 } : { min: 1, max: 1 },
      ),
  },
);

const rangeCodec = record<Range>(
  [member({ key: 'low', codec: markerCodec }), member({ key: 'high', codec: markerCodec })],
  { ...nested, name: 'Range' },
);

const sortedRangeSetCodec = record<SortedRangeSet>(
  [
    member({ key: '@type', codec: literal('SortedRangeSet') }),
    member({ key: 'type', codec: arrowTypeCodec }),
    member({ key: 'ranges', codec: arrayOf(rangeCodec) }),
    member({ key: 'nullAllowed', codec: boolean }),
  ],
  { ...nested, name: 'SortedRangeSet' },
);

const equatableValueSetCodec = record<EquatableValueSet>(
  [
    member({ key: '@type', codec: literal('EquatableValueSet') }),
    member({ key: 'valueBlock', codec: blockCodec }),
    member({ key: 'whiteList', codec: boolean }),
    member({ key: 'nullAllowed', codec: boolean }),
  ],
  {
    ...nested,
    name: 'EquatableValueSet',
    check: (set, path) => checkValueBlock(set.valueBlock, memberPath(path, 'valueBlock'), { min: 0, max: Infinity }),
  },
);

const allOrNoneValueSetCodec = record<AllOrNoneValueSet>(
  [
    member({ key: '@type', codec: literal('AllOrNoneValueSet') }),
    member({ key: 'type', codec: arrowTypeCodec }),
    member({ key: 'all', codec: boolean }),
    member({ key: 'nullAllowed', codec: boolean }),
  ],
  { ...nested, name: 'AllOrNoneValueSet' },
);

/** Java `ValueSet`. */
export const valueSetCodec = polymorphic<ValueSet>('ValueSet', {
  SortedRangeSet: sortedRangeSetCodec,
  EquatableValueSet: equatableValueSetCodec,
  AllOrNoneValueSet: allOrNoneValueSetCodec,
});

// ---------------------------------------------------------------- expressions (§2.9)

const functionNameCodec = record<FunctionName>([member({ key: 'functionName', codec: string })], {
  ...nested,
  name: 'FunctionName',
});

// Declared through a getter so the recursive `arguments` member can refer to the whole union.
const expressionCodec: Codec<FederationExpression> = {
  expected: 'an object (FederationExpression)',
  read: (value, path, ctx) => expressionUnion.read(value, path, ctx),
  write: (value, path, ctx) => expressionUnion.write(value, path, ctx),
};

const functionCallCodec = record<FunctionCallExpression>(
  [
    member({ key: '@type', codec: literal('FunctionCallExpression') }),
    member({ key: 'type', codec: arrowTypeCodec }),
    member({ key: 'functionName', codec: functionNameCodec }),
    member({ key: 'arguments', codec: arrayOf(expressionCodec) }),
  ],
  { ...nested, name: 'FunctionCallExpression' },
);

const variableCodec = record<VariableExpression>(
  [
    member({ key: '@type', codec: literal('VariableExpression') }),
    member({ key: 'columnName', codec: string }),
    member({ key: 'type', codec: arrowTypeCodec }),
  ],
  { ...nested, name: 'VariableExpression' },
);

const constantCodec = record<ConstantExpression>(
  [
    member({ key: '@type', codec: literal('ConstantExpression') }),
    member({ key: 'valueBlock', codec: blockCodec }),
    member({ key: 'type', codec: arrowTypeCodec }),
  ],
  {
    ...nested,
    name: 'ConstantExpression',
    check: (c, path) => checkValueBlock(c.valueBlock, memberPath(path, 'valueBlock'), { min: 0, max: Infinity }),
  },
);

const expressionUnion = polymorphic<FederationExpression>('FederationExpression', {
  FunctionCallExpression: functionCallCodec,
  VariableExpression: variableCodec,
  ConstantExpression: constantCodec,
});

const orderByFieldCodec = record<OrderByField>(
  [
    member({ key: 'columnName', codec: string }),
    member({
      key: 'direction',
      codec: oneOf(['ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST']),
    }),
  ],
  { ...nested, name: 'OrderByField' },
);

const queryPlanCodec = record<QueryPlan>(
  [
    member({ key: 'substraitVersion', codec: string }),
    member({ key: 'substraitPlan', codec: string }),
    member({ key: 'sqlConformance', codec: string, optional: true, fallback: () => undefined }),
  ],
  { ...nested, name: 'QueryPlan' },
);

// ---------------------------------------------------------------- constraints (§2.6)

export const emptyMap = (): StringMap => Object.create(null) as StringMap;

/** Java `Constraints`, whose members grow with each serde version from V4 to V6. */
export const constraintsCodec = record<Constraints>(
  [
    member({ key: 'summary', codec: mapOf(valueSetCodec) }),
    member({
      key: 'expression',
      codec: arrayOf(expressionCodec),
      since: 4,
      fallback: () => [],
      isDefault: isEmptyArray,
    }),
    member({
      key: 'orderByClause',
      codec: arrayOf(orderByFieldCodec),
      since: 4,
      fallback: () => [],
      isDefault: isEmptyArray,
    }),
    member({ key: 'limit', codec: int64, since: 4, fallback: () => -1n, isDefault: (v) => v === -1n }),
    member({ key: 'queryPassthroughArguments', codec: stringMap, since: 5, fallback: emptyMap, isDefault: isEmptyMap }),
    member({
      key: 'queryPlan',
      codec: nullable(queryPlanCodec),
      since: 6,
      fallback: () => null,
      isDefault: (v) => v === null,
    }),
  ],
  { ...nested, name: 'Constraints' },
);
