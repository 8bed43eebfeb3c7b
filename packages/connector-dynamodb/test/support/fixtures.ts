/**
 * The fixture tables: `Orders` has a mixed-case name and attributes, every DynamoDB type, numbers
 * past 2^53 and at 38 digits, sparse and NULL attributes; `Readings` is big enough that schema
 * inference must sample, with one attribute in only 1% of its items.
 */
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

const bytes = (...values: number[]) => new Uint8Array(values);

/** 36 keys: more than a struct takes, so `Attrs` reads as a map. */
const manyKeys = Object.fromEntries(Array.from({ length: 36 }, (_, i) => [`k${i}`, { S: `v${i}` }]));

export const ordersTable: CreateTableCommandInput = {
  TableName: 'Orders',
  AttributeDefinitions: [
    { AttributeName: 'CustomerId', AttributeType: 'S' },
    { AttributeName: 'OrderNo', AttributeType: 'N' },
    { AttributeName: 'BigCount', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'CustomerId', KeyType: 'HASH' },
    { AttributeName: 'OrderNo', KeyType: 'RANGE' },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'ByCount',
      KeySchema: [
        { AttributeName: 'CustomerId', KeyType: 'HASH' },
        { AttributeName: 'BigCount', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

export const orderItems: Item[] = [
  {
    CustomerId: { S: 'c1' },
    OrderNo: { N: '1' },
    Amount: { N: '12.5' },
    BigCount: { N: '9007199254740993' },
    HugeNumber: { N: '12345678901234567890123456789012345678' },
    IsActive: { BOOL: true },
    Payload: { B: bytes(0, 1, 2, 255) },
    Tags: { SS: ['blue', 'red'] },
    Scores: { NS: ['1', '9223372036854775807'] },
    Blobs: { BS: [bytes(1), bytes(2, 3)] },
    History: { L: [{ S: 'created' }, { N: '2' }, { BOOL: false }] },
    Address: { M: { Street: { S: 'Main St' }, Zip: { N: '12345' } } },
    Attrs: { M: manyKeys },
    Nothing: { NULL: true },
    Mixed: { S: 'text' },
    camelCaseAttr: { S: 'camel' },
    EmptyList: { L: [] },
    EmptyMap: { M: {} },
  },
  {
    CustomerId: { S: 'c1' },
    OrderNo: { N: '2' },
    Amount: { N: '-99999999999999999999999999999.999999999' },
    BigCount: { N: '-9223372036854775808' },
    HugeNumber: { N: '-99999999999999999999999999999999999999' },
    IsActive: { BOOL: false },
    Mixed: { N: '123456789012345678901234567890.5' },
    Sparse: { S: 'only here' },
    Address: { M: { Street: { S: 'Side St' } } },
    Attrs: { M: { other: { S: 'x' } } },
    History: { L: [] },
  },
  {
    CustomerId: { S: 'c2' },
    OrderNo: { N: '1' },
    Amount: { N: '0.000000001' },
    BigCount: { N: '0' },
    IsActive: { NULL: true },
    Tags: { SS: ['green'] },
    Mixed: { BOOL: true },
    camelCaseAttr: { S: 'camel2' },
  },
  { CustomerId: { S: 'c3' }, OrderNo: { N: '7' }, Amount: { N: '3' }, Mixed: { M: { a: { N: '1.50' } } } },
];

export const readingsTable: CreateTableCommandInput = {
  TableName: 'Readings',
  AttributeDefinitions: [{ AttributeName: 'deviceId', AttributeType: 'N' }],
  KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
};

/** 2,000 readings; every 100th has `rareFlag`. */
export const readingItems: Item[] = Array.from({ length: 2000 }, (_, i) => ({
  deviceId: { N: String(i) },
  bpm: { N: String(60 + (i % 40)) },
  ...(i % 100 === 50 ? { rareFlag: { BOOL: true } } : {}),
}));

export const eventsTable: CreateTableCommandInput = {
  TableName: 'Events',
  AttributeDefinitions: [
    { AttributeName: 'EventId', AttributeType: 'S' },
    { AttributeName: 'UserId', AttributeType: 'S' },
    { AttributeName: 'Kind', AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: 'EventId', KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'ByUser',
      KeySchema: [{ AttributeName: 'UserId', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: 'ByKind',
      KeySchema: [{ AttributeName: 'Kind', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/** 30 events of 3 users and 2 kinds; `Note` is not in the KEYS_ONLY index. */
export const eventItems: Item[] = Array.from({ length: 30 }, (_, i) => ({
  EventId: { S: `e${i}` },
  UserId: { S: `u${i % 3}` },
  Kind: { S: i % 2 === 0 ? 'click' : 'view' },
  Note: { S: `note ${i}` },
}));
