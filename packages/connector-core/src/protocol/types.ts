/**
 * The Athena federation wire model as plain data. Every interface mirrors one Java SDK class and
 * its JSON members (same names, same order as the Java serializers write them), discriminated on
 * `@type` where the wire is polymorphic. Arrow payloads are apache-arrow objects.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

/** A string→string JSON object (Java `Map<String, String>`). */
export type StringMap = Record<string, string>;

/** Java `FederatedIdentity`: who runs the query. `id`/`principal` are always `"UNKNOWN"` on the wire. */
export interface FederatedIdentity {
  readonly id: string;
  readonly principal: string;
  readonly account: string;
  readonly arn: string;
  readonly tags: StringMap;
  readonly groups: readonly string[];
  /** Per-request configuration (`spill_bucket`, `spill_prefix`, `fas_token`, …); older engines omit it. */
  readonly configOptions?: StringMap;
}

/** Java `TableName`. */
export interface TableName {
  readonly schemaName: string;
  readonly tableName: string;
}

/** Java `S3SpillLocation`, the only `SpillLocation` subtype. */
export interface S3SpillLocation {
  readonly '@type': 'S3SpillLocation';
  readonly bucket: string;
  readonly key: string;
  /** `true` for a split's spill directory, `false` for one spilled block object. */
  readonly directory: boolean;
}

/** Java `SpillLocation` (polymorphic on `@type`). */
export type SpillLocation = S3SpillLocation;

/** Java `EncryptionKey`: AES key (16 or 32 bytes) and 12-byte GCM nonce for a split's spill objects. */
export interface EncryptionKey {
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** Java `Split`: one unit of parallel reading, with the connector's opaque properties. */
export interface Split {
  readonly spillLocation: SpillLocation | null;
  readonly encryptionKey: EncryptionKey | null;
  readonly properties: StringMap;
}

/**
 * Java `Block`: Arrow data with its schema. `records` with zero rows travels as `""`.
 * `aId` names the writer's allocator; it is opaque and kept so a round trip is faithful.
 */
export interface Block {
  readonly aId: string;
  readonly schema: Schema;
  readonly records: RecordBatch;
}

/** Arrow Java `TimeUnit` names. */
export type ArrowTimeUnit = 'SECOND' | 'MILLISECOND' | 'MICROSECOND' | 'NANOSECOND';

/** Java `ArrowType` as the SDK's ArrowTypeSerDe writes it (type only; no children or nullability). */
export type ArrowTypeJson =
  | { readonly '@type': 'Null' }
  | { readonly '@type': 'Struct' }
  | { readonly '@type': 'List' }
  | { readonly '@type': 'Utf8' }
  | { readonly '@type': 'Binary' }
  | { readonly '@type': 'Bool' }
  | { readonly '@type': 'Map' }
  | { readonly '@type': 'Int'; readonly bitWidth: number; readonly isSigned: boolean }
  | { readonly '@type': 'FloatingPoint'; readonly precision: 'HALF' | 'SINGLE' | 'DOUBLE' }
  | { readonly '@type': 'Decimal'; readonly precision: number; readonly scale: number }
  | { readonly '@type': 'Date'; readonly unit: 'DAY' | 'MILLISECOND' }
  | { readonly '@type': 'Time'; readonly unit: ArrowTimeUnit; readonly bitWidth: number }
  | { readonly '@type': 'Timestamp'; readonly unit: ArrowTimeUnit; readonly timezone: string | null }
  | { readonly '@type': 'Interval'; readonly unit: 'YEAR_MONTH' | 'DAY_TIME' | 'MONTH_DAY_NANO' }
  | { readonly '@type': 'FixedSizeBinary'; readonly byteWidth: number }
  | { readonly '@type': 'FixedSizeList'; readonly listSize: number };

/** Java `Marker.Bound`. */
export type MarkerBound = 'BELOW' | 'EXACTLY' | 'ABOVE';

/**
 * Java `Marker`: one end of a range. `valueBlock` has one column `col1` with one row, or zero rows
 * when `nullValue` is true (unbounded: `ABOVE` = −∞ low end, `BELOW` = +∞ high end).
 */
export interface Marker {
  readonly valueBlock: Block;
  readonly bound: MarkerBound;
  readonly nullValue: boolean;
}

/** Java `Range`. */
export interface Range {
  readonly low: Marker;
  readonly high: Marker;
}

/** Java `SortedRangeSet`: the value lies in one of `ranges`. */
export interface SortedRangeSet {
  readonly '@type': 'SortedRangeSet';
  readonly type: ArrowTypeJson;
  readonly ranges: readonly Range[];
  readonly nullAllowed: boolean;
}

/** Java `EquatableValueSet`: `whiteList` ⇒ value ∈ `valueBlock.col1`, else value ∉ it. */
export interface EquatableValueSet {
  readonly '@type': 'EquatableValueSet';
  readonly valueBlock: Block;
  readonly whiteList: boolean;
  readonly nullAllowed: boolean;
}

/** Java `AllOrNoneValueSet`: every value (`all`) or none. */
export interface AllOrNoneValueSet {
  readonly '@type': 'AllOrNoneValueSet';
  readonly type: ArrowTypeJson;
  readonly all: boolean;
  readonly nullAllowed: boolean;
}

/** Java `ValueSet` (polymorphic on `@type`). In all three, `nullAllowed` says whether SQL NULL passes. */
export type ValueSet = SortedRangeSet | EquatableValueSet | AllOrNoneValueSet;

/** The function names of Java `StandardFunctions`, as they travel in `FunctionName.functionName`. */
export const StandardFunctionNames = {
  and: '$and',
  or: '$or',
  not: '$not',
  isNull: '$is_null',
  negate: '$negate',
  nullIf: '$nullif',
  equal: '$equal',
  notEqual: '$not_equal',
  lessThan: '$less_than',
  lessThanOrEqual: '$less_than_or_equal',
  greaterThan: '$greater_than',
  greaterThanOrEqual: '$greater_than_or_equal',
  isDistinctFrom: '$is_distinct_from',
  add: '$add',
  subtract: '$subtract',
  multiply: '$multiply',
  divide: '$divide',
  modulus: '$modulus',
  likePattern: '$like_pattern',
  in: '$in',
  array: '$array',
} as const;

/** One of the standard function names. */
export type StandardFunctionName = (typeof StandardFunctionNames)[keyof typeof StandardFunctionNames];

/**
 * The SQL operator of each standard comparison, for plugins and engines that turn expressions into
 * SQL (the Aurora connector, local-athena): one table, so both spell them alike.
 */
export const ComparisonOperators: Readonly<Record<string, string>> = {
  [StandardFunctionNames.equal]: '=',
  [StandardFunctionNames.notEqual]: '<>',
  [StandardFunctionNames.lessThan]: '<',
  [StandardFunctionNames.lessThanOrEqual]: '<=',
  [StandardFunctionNames.greaterThan]: '>',
  [StandardFunctionNames.greaterThanOrEqual]: '>=',
};

/** Java `FunctionName`: wraps the name in an object on the wire. */
export interface FunctionName {
  readonly functionName: string;
}

/** Java `FunctionCallExpression` (V4+). */
export interface FunctionCallExpression {
  readonly '@type': 'FunctionCallExpression';
  readonly type: ArrowTypeJson;
  readonly functionName: FunctionName;
  readonly arguments: readonly FederationExpression[];
}

/** Java `VariableExpression` (V4+): a column reference. */
export interface VariableExpression {
  readonly '@type': 'VariableExpression';
  readonly columnName: string;
  readonly type: ArrowTypeJson;
}

/** Java `ConstantExpression` (V4+): `valueBlock.col1` holds one value, or a list of values (e.g. for `$in`). */
export interface ConstantExpression {
  readonly '@type': 'ConstantExpression';
  readonly valueBlock: Block;
  readonly type: ArrowTypeJson;
}

/** Java `FederationExpression` (polymorphic on `@type`). */
export type FederationExpression = FunctionCallExpression | VariableExpression | ConstantExpression;

/** Java `OrderByField.Direction`. */
export type OrderByDirection = 'ASC_NULLS_FIRST' | 'ASC_NULLS_LAST' | 'DESC_NULLS_FIRST' | 'DESC_NULLS_LAST';

/** Java `OrderByField` (V4+). */
export interface OrderByField {
  readonly columnName: string;
  readonly direction: OrderByDirection;
}

/** Java `QueryPlan` (V6): a base64 Substrait plan, carried through untouched. */
export interface QueryPlan {
  readonly substraitVersion: string;
  readonly substraitPlan: string;
  /** Written by some Java SDK releases after `substraitPlan`; kept when present so nothing is dropped. */
  readonly sqlConformance?: string;
}

/**
 * Java `Constraints`. V2/V3 carry only `summary`; V4 adds `expression`, `orderByClause`, `limit`;
 * V5 `queryPassthroughArguments`; V6 `queryPlan`. Decoding an older version fills the defaults
 * (`[]`, `[]`, `-1n`, `{}`, `null`); encoding an older version refuses non-default values rather
 * than dropping them.
 */
export interface Constraints {
  /** Column name → allowed values; absent columns are unconstrained. */
  readonly summary: Readonly<Record<string, ValueSet>>;
  readonly expression: readonly FederationExpression[];
  readonly orderByClause: readonly OrderByField[];
  /** Java long; `-1n` means no limit. A bigint so every Java value survives exactly. */
  readonly limit: bigint;
  /** Non-empty ⇒ a query-passthrough request (`schemaFunctionName` plus the function's arguments). */
  readonly queryPassthroughArguments: StringMap;
  readonly queryPlan: QueryPlan | null;
}

/** Capability names of Java `DataSourceOptimizations` (keys of a capabilities response). */
export const DataSourceOptimizations = {
  filterPushdown: 'supports_filter_pushdown',
  complexExpressionPushdown: 'supports_complex_expression_pushdown',
  limitPushdown: 'supports_limit_pushdown',
  topNPushdown: 'supports_top_n_pushdown',
  dataSourceHints: 'data_source_hints',
} as const;

/** Subtype names of the capabilities above, spelled exactly as Java sends them (`equatable_range_set` sic). */
export const OptimizationSubTypes = {
  sortedRangeSet: 'sorted_range_set',
  equatableRangeSet: 'equatable_range_set',
  allOrNoneValueSet: 'all_or_none_value_set',
  nullableComparison: 'nullable_comparison',
  supportedFunctionExpressionTypes: 'supported_function_expression_types',
  integerConstant: 'integer_constant',
  supportsOrderBy: 'SUPPORTS_ORDER_BY',
  nonDefaultCollate: 'non_default_collate',
  queryPassthroughSchema: 'query_passthrough_schema',
  queryPassthroughName: 'query_passthrough_name',
  queryPassthroughArguments: 'query_passthrough_arguments',
} as const;

/** Java `OptimizationSubType` in a capabilities response. */
export interface OptimizationSubType {
  readonly subType: string;
  readonly properties: readonly string[];
}

/** Capability name (e.g. `supports_filter_pushdown`) → its subtypes. */
export type DataSourceCapabilities = Readonly<Record<string, readonly OptimizationSubType[]>>;

/** Java `PingRequest`. Note the member order: `catalogName` before `queryId`, unlike other requests. */
export interface PingRequest {
  readonly '@type': 'PingRequest';
  readonly identity: FederatedIdentity | null;
  readonly catalogName: string;
  readonly queryId: string;
}

/** Java `ListSchemasRequest`. */
export interface ListSchemasRequest {
  readonly '@type': 'ListSchemasRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
}

/** Java `ListTablesRequest`. `pageSize` −1 = everything; `nextToken` null = first page. */
export interface ListTablesRequest {
  readonly '@type': 'ListTablesRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
  readonly schemaName: string;
  readonly nextToken: string | null;
  readonly pageSize: number;
}

/** Java `GetTableRequest`; `queryPassthroughArguments` exists from V5 (`{}` before). */
export interface GetTableRequest {
  readonly '@type': 'GetTableRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly queryPassthroughArguments: StringMap;
}

/** Java `GetTableLayoutRequest`. */
export interface GetTableLayoutRequest {
  readonly '@type': 'GetTableLayoutRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly constraints: Constraints;
  readonly schema: Schema;
  readonly partitionColumns: readonly string[];
}

/** Java `GetSplitsRequest`; re-sent with the previous response's `continuationToken` until it is null. */
export interface GetSplitsRequest {
  readonly '@type': 'GetSplitsRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly partitions: Block;
  readonly partitionColumns: readonly string[];
  readonly constraints: Constraints;
  readonly continuationToken: string | null;
}

/** Java `ReadRecordsRequest`. The block sizes are Java longs sent as JSON strings. */
export interface ReadRecordsRequest {
  readonly '@type': 'ReadRecordsRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly schema: Schema;
  readonly split: Split;
  readonly constraints: Constraints;
  readonly maxBlockSize: number;
  readonly maxInlineBlockSize: number;
}

/** Java `GetDataSourceCapabilitiesRequest` (V4+). */
export interface GetDataSourceCapabilitiesRequest {
  readonly '@type': 'GetDataSourceCapabilitiesRequest';
  readonly identity: FederatedIdentity | null;
  readonly queryId: string;
  readonly catalogName: string;
}

/** Java `UserDefinedFunctionRequest` (no queryId or catalogName on the wire). */
export interface UserDefinedFunctionRequest {
  readonly '@type': 'UserDefinedFunctionRequest';
  readonly identity: FederatedIdentity | null;
  readonly inputRecords: Block;
  readonly outputSchema: Schema;
  readonly methodName: string;
  readonly functionType: 'SCALAR';
}

/** Every request Athena sends to a connector. */
export type FederationRequest =
  | PingRequest
  | ListSchemasRequest
  | ListTablesRequest
  | GetTableRequest
  | GetTableLayoutRequest
  | GetSplitsRequest
  | ReadRecordsRequest
  | GetDataSourceCapabilitiesRequest
  | UserDefinedFunctionRequest;

/** Java `PingResponse`. */
export interface PingResponse {
  readonly '@type': 'PingResponse';
  readonly catalogName: string;
  readonly queryId: string;
  readonly sourceType: string;
  /** A feature level, not a bitmask; the Java SDK answers 24. */
  readonly capabilities: number;
  readonly serDeVersion: number;
}

/** Java `ListSchemasResponse`. */
export interface ListSchemasResponse {
  readonly '@type': 'ListSchemasResponse';
  readonly catalogName: string;
  readonly schemas: readonly string[];
}

/** Java `ListTablesResponse`. Note `tables` comes before `catalogName`. */
export interface ListTablesResponse {
  readonly '@type': 'ListTablesResponse';
  readonly tables: readonly TableName[];
  readonly catalogName: string;
  readonly nextToken: string | null;
}

/** Java `GetTableResponse`. */
export interface GetTableResponse {
  readonly '@type': 'GetTableResponse';
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly schema: Schema;
  readonly partitionColumns: readonly string[];
}

/** Java `GetTableLayoutResponse`. */
export interface GetTableLayoutResponse {
  readonly '@type': 'GetTableLayoutResponse';
  readonly catalogName: string;
  readonly tableName: TableName;
  readonly partitions: Block;
}

/** Java `GetSplitsResponse`. */
export interface GetSplitsResponse {
  readonly '@type': 'GetSplitsResponse';
  readonly catalogName: string;
  readonly splits: readonly Split[];
  readonly continuationToken: string | null;
}

/** Java `ReadRecordsResponse`: rows inline. */
export interface ReadRecordsResponse {
  readonly '@type': 'ReadRecordsResponse';
  readonly catalogName: string;
  readonly records: Block;
}

/** Java `RemoteReadRecordsResponse`: rows spilled to S3, encrypted with `encryptionKey` unless null. */
export interface RemoteReadRecordsResponse {
  readonly '@type': 'RemoteReadRecordsResponse';
  readonly catalogName: string;
  readonly schema: Schema;
  readonly remoteBlocks: readonly SpillLocation[];
  readonly encryptionKey: EncryptionKey | null;
}

/** Java `GetDataSourceCapabilitiesResponse` (V4+). */
export interface GetDataSourceCapabilitiesResponse {
  readonly '@type': 'GetDataSourceCapabilitiesResponse';
  readonly catalogName: string;
  readonly capabilities: DataSourceCapabilities;
}

/** Java `UserDefinedFunctionResponse`. */
export interface UserDefinedFunctionResponse {
  readonly '@type': 'UserDefinedFunctionResponse';
  readonly records: Block;
  readonly methodName: string;
}

/** Every response a connector sends back. */
export type FederationResponse =
  | PingResponse
  | ListSchemasResponse
  | ListTablesResponse
  | GetTableResponse
  | GetTableLayoutResponse
  | GetSplitsResponse
  | ReadRecordsResponse
  | RemoteReadRecordsResponse
  | GetDataSourceCapabilitiesResponse
  | UserDefinedFunctionResponse;

/**
 * The Lambda function-error document Athena receives when a connector throws (the runtime writes
 * it, not the SDK). Read order-free, as the Java SDK's LambdaFunctionExceptionSerDe does.
 */
export interface LambdaFunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly cause?: LambdaFunctionError;
  /** Java runtime frames: strings, or arrays of strings. */
  readonly stackTrace?: readonly (string | readonly string[])[];
}
