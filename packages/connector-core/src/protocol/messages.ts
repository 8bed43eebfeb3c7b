/**
 * Every wire shape of serde V2–V6, declared once in Java's member order. The sources behind each
 * declaration are the Java SDK serdes named in PROTOCOL.md §1.5 and §2.
 */
import { blockCodec, bytesCodec, schemaCodec } from './arrow-serde.js';
import { ProtocolError } from './protocol-error.js';
import { constraintsCodec, emptyMap, nested, stringMap } from './constraint-codecs.js';
import {
  type MemberSpec,
  arrayOf,
  boolean,
  int32,
  isEmptyMap,
  literal,
  mapOf,
  member,
  nullable,
  polymorphic,
  record,
  sizeString,
  string,
} from './serde.js';
import type {
  EncryptionKey,
  FederatedIdentity,
  FederationRequest,
  FederationResponse,
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
  OptimizationSubType,
  PingRequest,
  PingResponse,
  ReadRecordsRequest,
  ReadRecordsResponse,
  RemoteReadRecordsResponse,
  S3SpillLocation,
  Split,
  SpillLocation,
  TableName,
  UserDefinedFunctionRequest,
  UserDefinedFunctionResponse,
} from './types.js';

const strings = arrayOf(string);
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
