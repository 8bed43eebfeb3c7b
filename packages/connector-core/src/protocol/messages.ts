/**
 * Every wire shape of serde V2–V6, declared once in Java's member order. The sources behind each
 * declaration are the Java SDK serdes named in PROTOCOL.md §1.5 and §2.
 */
import { blockCodec, bytesCodec, schemaCodec } from './arrow-serde.js';
import { ProtocolError, memberPath } from './protocol-error.js';
import {
  type Codec,
  type MemberSpec,
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
  sizeString,
  string,
} from './serde.js';
import type {
  AllOrNoneValueSet,
  ArrowTypeJson,
  Block,
  ConstantExpression,
  Constraints,
  EncryptionKey,
  EquatableValueSet,
  FederatedIdentity,
  FederationExpression,
  FederationRequest,
  FederationResponse,
  FunctionCallExpression,
  FunctionName,
  GetDataSourceCapabilitiesRequest,
  GetDataSourceCapabilitiesResponse,
  GetSplitsRequest,
  GetSplitsResponse,
  GetTableLayoutRequest,
  GetTableLayoutResponse,
  GetTableRequest,
  GetTableResponse,
  ListSchemasRequest,
  ListSchemasResponse,
  ListTablesRequest,
  ListTablesResponse,
  Marker,
  OptimizationSubType,
  OrderByField,
  PingRequest,
  PingResponse,
  QueryPlan,
  Range,
  ReadRecordsRequest,
  ReadRecordsResponse,
  RemoteReadRecordsResponse,
  S3SpillLocation,
  SortedRangeSet,
  Split,
  SpillLocation,
  StringMap,
  TableName,
  UserDefinedFunctionRequest,
  UserDefinedFunctionResponse,
  ValueSet,
  VariableExpression,
} from './types.js';

const strings = arrayOf(string);
const stringMap: Codec<StringMap> = mapOf(string);
const nested = { strict: true } as const;
const message = { strict: false } as const;

// ---------------------------------------------------------------- shared objects (§2)

const identityCodec = record<FederatedIdentity>(
  [
    member({ key: 'id', codec: string }),
    member({ key: 'principal', codec: string }),
    member({ key: 'account', codec: string }),
    member({ key: 'arn', codec: string }),
    member({ key: 'tags', codec: stringMap }),
    member({ key: 'groups', codec: strings }),
    // Added to Java without a version bump: optional on read, always written (`{}` when empty).
    member({
      key: 'configOptions',
      codec: stringMap,
      optional: true,
      fallback: () => undefined,
      writeFallback: () => ({}),
    }),
  ],
  { ...nested, name: 'FederatedIdentity' },
);
const identity = nullable(identityCodec);

/** Java `TableName`. */
export const tableNameCodec = record<TableName>(
  [member({ key: 'schemaName', codec: string }), member({ key: 'tableName', codec: string })],
  { ...nested, name: 'TableName' },
);

const s3SpillLocationCodec = record<S3SpillLocation>(
  [
    member({ key: '@type', codec: literal('S3SpillLocation') }),
    member({ key: 'bucket', codec: string }),
    member({ key: 'key', codec: string }),
    member({ key: 'directory', codec: boolean }),
  ],
  { ...nested, name: 'S3SpillLocation' },
);
/** Java `SpillLocation`. */
export const spillLocationCodec = polymorphic<SpillLocation>('SpillLocation', {
  S3SpillLocation: s3SpillLocationCodec,
});

/** Java `EncryptionKey`. */
export const encryptionKeyCodec = record<EncryptionKey>(
  [member({ key: 'key', codec: bytesCodec }), member({ key: 'nonce', codec: bytesCodec })],
  { ...nested, name: 'EncryptionKey' },
);

/** Java `Split`. */
export const splitCodec = record<Split>(
  [
    member({ key: 'spillLocation', codec: nullable(spillLocationCodec) }),
    member({ key: 'encryptionKey', codec: nullable(encryptionKeyCodec) }),
    member({ key: 'properties', codec: stringMap }),
  ],
  { ...nested, name: 'Split' },
);

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

const emptyMap = (): StringMap => Object.create(null) as StringMap;

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

// ---------------------------------------------------------------- requests (§1.5)

const type = <N extends string>(name: N) => member<{ '@type': N }, '@type'>({ key: '@type', codec: literal(name) });
const queryId = <T extends { queryId: string }>() =>
  member<T, 'queryId'>({ key: 'queryId', codec: string } as MemberSpec<T, 'queryId'>);
const catalogName = <T extends { catalogName: string }>() =>
  member<T, 'catalogName'>({ key: 'catalogName', codec: string } as MemberSpec<T, 'catalogName'>);
const identityMember = <T extends { identity: FederatedIdentity | null }>() =>
  member<T, 'identity'>({ key: 'identity', codec: identity } as MemberSpec<T, 'identity'>);
const tableName = <T extends { tableName: TableName }>() =>
  member<T, 'tableName'>({ key: 'tableName', codec: tableNameCodec } as MemberSpec<T, 'tableName'>);

const pingRequestCodec = record<PingRequest>(
  [type('PingRequest'), identityMember(), catalogName(), queryId()] as MemberSpec<PingRequest>[],
  { ...message, name: 'PingRequest' },
);

const listSchemasRequestCodec = record<ListSchemasRequest>(
  [type('ListSchemasRequest'), identityMember(), queryId(), catalogName()] as MemberSpec<ListSchemasRequest>[],
  {
    ...message,
    name: 'ListSchemasRequest',
  },
);

const listTablesRequestCodec = record<ListTablesRequest>(
  [
    type('ListTablesRequest'),
    identityMember(),
    queryId(),
    catalogName(),
    member({ key: 'schemaName', codec: string }),
    // Java: when nextToken is absent the request means "everything" (nextToken null, pageSize -1).
    member({ key: 'nextToken', codec: nullable(string), optional: true, fallback: () => null }),
    member({
      key: 'pageSize',
      codec: int32,
      optional: true,
      fallback: (read, path) => {
        if (read.nextToken !== null && read.nextToken !== undefined)
          throw new ProtocolError(path, 'is missing (must follow nextToken)');
        return -1;
      },
    }),
  ] as MemberSpec<ListTablesRequest>[],
  { ...message, name: 'ListTablesRequest' },
);

const getTableRequestCodec = record<GetTableRequest>(
  [
    type('GetTableRequest'),
    identityMember(),
    queryId(),
    catalogName(),
    tableName(),
    member({ key: 'queryPassthroughArguments', codec: stringMap, since: 5, fallback: emptyMap, isDefault: isEmptyMap }),
  ] as MemberSpec<GetTableRequest>[],
  { ...message, name: 'GetTableRequest' },
);

const getTableLayoutRequestCodec = record<GetTableLayoutRequest>(
  [
    type('GetTableLayoutRequest'),
    identityMember(),
    queryId(),
    catalogName(),
    tableName(),
    member({ key: 'constraints', codec: constraintsCodec }),
    member({ key: 'schema', codec: schemaCodec }),
    member({ key: 'partitionColumns', codec: strings }),
  ] as MemberSpec<GetTableLayoutRequest>[],
  { ...message, name: 'GetTableLayoutRequest' },
);

const getSplitsRequestCodec = record<GetSplitsRequest>(
  [
    type('GetSplitsRequest'),
    identityMember(),
    queryId(),
    catalogName(),
    tableName(),
    member({ key: 'partitions', codec: blockCodec }),
    member({ key: 'partitionColumns', codec: strings }),
    member({ key: 'constraints', codec: constraintsCodec }),
    member({ key: 'continuationToken', codec: nullable(string) }),
  ] as MemberSpec<GetSplitsRequest>[],
  { ...message, name: 'GetSplitsRequest' },
);

const readRecordsRequestCodec = record<ReadRecordsRequest>(
  [
    type('ReadRecordsRequest'),
    identityMember(),
    queryId(),
    catalogName(),
    tableName(),
    member({ key: 'schema', codec: schemaCodec }),
    member({ key: 'split', codec: splitCodec }),
    member({ key: 'constraints', codec: constraintsCodec }),
    member({ key: 'maxBlockSize', codec: sizeString }),
    member({ key: 'maxInlineBlockSize', codec: sizeString }),
  ] as MemberSpec<ReadRecordsRequest>[],
  { ...message, name: 'ReadRecordsRequest' },
);

const getDataSourceCapabilitiesRequestCodec = record<GetDataSourceCapabilitiesRequest>(
  [
    type('GetDataSourceCapabilitiesRequest'),
    identityMember(),
    queryId(),
    catalogName(),
  ] as MemberSpec<GetDataSourceCapabilitiesRequest>[],
  { ...message, name: 'GetDataSourceCapabilitiesRequest', since: 4 },
);

const userDefinedFunctionRequestCodec = record<UserDefinedFunctionRequest>(
  [
    type('UserDefinedFunctionRequest'),
    identityMember(),
    member({ key: 'inputRecords', codec: blockCodec }),
    member({ key: 'outputSchema', codec: schemaCodec }),
    member({ key: 'methodName', codec: string }),
    member({ key: 'functionType', codec: literal('SCALAR') }),
  ] as MemberSpec<UserDefinedFunctionRequest>[],
  { ...message, name: 'UserDefinedFunctionRequest' },
);

/** Every request, by `@type`. */
export const requestCodec = polymorphic<FederationRequest>('FederationRequest', {
  PingRequest: pingRequestCodec,
  ListSchemasRequest: listSchemasRequestCodec,
  ListTablesRequest: listTablesRequestCodec,
  GetTableRequest: getTableRequestCodec,
  GetTableLayoutRequest: getTableLayoutRequestCodec,
  GetSplitsRequest: getSplitsRequestCodec,
  ReadRecordsRequest: readRecordsRequestCodec,
  GetDataSourceCapabilitiesRequest: getDataSourceCapabilitiesRequestCodec,
  UserDefinedFunctionRequest: userDefinedFunctionRequestCodec,
});

// ---------------------------------------------------------------- responses (§1.5)

const pingResponseCodec = record<PingResponse>(
  [
    type('PingResponse'),
    catalogName(),
    queryId(),
    member({ key: 'sourceType', codec: string }),
    member({ key: 'capabilities', codec: int32 }),
    // A Java PingResponse without serDeVersion means version 1.
    member({ key: 'serDeVersion', codec: int32, optional: true, fallback: () => 1 }),
  ] as MemberSpec<PingResponse>[],
  { ...message, name: 'PingResponse' },
);

const listSchemasResponseCodec = record<ListSchemasResponse>(
  [
    type('ListSchemasResponse'),
    catalogName(),
    member({ key: 'schemas', codec: strings }),
  ] as MemberSpec<ListSchemasResponse>[],
  {
    ...message,
    name: 'ListSchemasResponse',
  },
);

const listTablesResponseCodec = record<ListTablesResponse>(
  [
    type('ListTablesResponse'),
    member({ key: 'tables', codec: arrayOf(tableNameCodec) }),
    catalogName(),
    member({ key: 'nextToken', codec: nullable(string), optional: true, fallback: () => null }),
  ] as MemberSpec<ListTablesResponse>[],
  { ...message, name: 'ListTablesResponse' },
);

const getTableResponseCodec = record<GetTableResponse>(
  [
    type('GetTableResponse'),
    catalogName(),
    tableName(),
    member({ key: 'schema', codec: schemaCodec }),
    member({ key: 'partitionColumns', codec: strings }),
  ] as MemberSpec<GetTableResponse>[],
  { ...message, name: 'GetTableResponse' },
);

const getTableLayoutResponseCodec = record<GetTableLayoutResponse>(
  [
    type('GetTableLayoutResponse'),
    catalogName(),
    tableName(),
    member({ key: 'partitions', codec: blockCodec }),
  ] as MemberSpec<GetTableLayoutResponse>[],
  {
    ...message,
    name: 'GetTableLayoutResponse',
  },
);

const getSplitsResponseCodec = record<GetSplitsResponse>(
  [
    type('GetSplitsResponse'),
    catalogName(),
    member({ key: 'splits', codec: arrayOf(splitCodec) }),
    member({ key: 'continuationToken', codec: nullable(string) }),
  ] as MemberSpec<GetSplitsResponse>[],
  { ...message, name: 'GetSplitsResponse' },
);

const readRecordsResponseCodec = record<ReadRecordsResponse>(
  [
    type('ReadRecordsResponse'),
    catalogName(),
    member({ key: 'records', codec: blockCodec }),
  ] as MemberSpec<ReadRecordsResponse>[],
  {
    ...message,
    name: 'ReadRecordsResponse',
  },
);

const remoteReadRecordsResponseCodec = record<RemoteReadRecordsResponse>(
  [
    type('RemoteReadRecordsResponse'),
    catalogName(),
    member({ key: 'schema', codec: schemaCodec }),
    member({ key: 'remoteBlocks', codec: arrayOf(spillLocationCodec) }),
    member({ key: 'encryptionKey', codec: nullable(encryptionKeyCodec) }),
  ] as MemberSpec<RemoteReadRecordsResponse>[],
  { ...message, name: 'RemoteReadRecordsResponse' },
);

const optimizationSubTypeCodec = record<OptimizationSubType>(
  [member({ key: 'subType', codec: string }), member({ key: 'properties', codec: strings })],
  { ...nested, name: 'OptimizationSubType' },
);

const getDataSourceCapabilitiesResponseCodec = record<GetDataSourceCapabilitiesResponse>(
  [
    type('GetDataSourceCapabilitiesResponse'),
    catalogName(),
    member({ key: 'capabilities', codec: mapOf(arrayOf(optimizationSubTypeCodec)) }),
  ] as MemberSpec<GetDataSourceCapabilitiesResponse>[],
  { ...message, name: 'GetDataSourceCapabilitiesResponse', since: 4 },
);

const userDefinedFunctionResponseCodec = record<UserDefinedFunctionResponse>(
  [
    type('UserDefinedFunctionResponse'),
    member({ key: 'records', codec: blockCodec }),
    member({ key: 'methodName', codec: string }),
  ] as MemberSpec<UserDefinedFunctionResponse>[],
  {
    ...message,
    name: 'UserDefinedFunctionResponse',
  },
);

/** Every response, by `@type`. */
export const responseCodec = polymorphic<FederationResponse>('FederationResponse', {
  PingResponse: pingResponseCodec,
  ListSchemasResponse: listSchemasResponseCodec,
  ListTablesResponse: listTablesResponseCodec,
  GetTableResponse: getTableResponseCodec,
  GetTableLayoutResponse: getTableLayoutResponseCodec,
  GetSplitsResponse: getSplitsResponseCodec,
  ReadRecordsResponse: readRecordsResponseCodec,
  RemoteReadRecordsResponse: remoteReadRecordsResponseCodec,
  GetDataSourceCapabilitiesResponse: getDataSourceCapabilitiesResponseCodec,
  UserDefinedFunctionResponse: userDefinedFunctionResponseCodec,
});
