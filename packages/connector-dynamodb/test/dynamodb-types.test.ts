// Exact numbers, shape inference and value conversion, without a database.
import { type DataType, Decimal, Field, Int64, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  ValueMismatchError,
  arrowTypeOf,
  athenaTypeName,
  createValueConverter,
  int64Of,
  mergeShapes,
  parseNumber,
  plainNumber,
  shapeOf,
  type Shape,
} from '../src/dynamodb-types.js';

const parsed = (text: string) => {
  const n = parseNumber(text);
  if (n === undefined) throw new Error(`not a number: ${text}`);
  return n;
};

function inferred(...values: Parameters<typeof shapeOf>[0][]): string {
  const shape = values.reduce<Shape | undefined>((s, v) => mergeShapes(s, shapeOf(v)), undefined);
  return athenaTypeName(arrowTypeOf(shape) as DataType);
}

describe('numbers', () => {
  it.each([
    ['0', '0'],
    ['-0.0', '0'],
    ['1.50', '1.5'],
    ['1E+3', '1000'],
    ['1.5e-3', '0.0015'],
    ['-12345678901234567890123456789012345678', '-12345678901234567890123456789012345678'],
    ['0.000000001', '0.000000001'],
  ])('%s → %s', (text, plain) => {
    expect(plainNumber(parsed(text))).toBe(plain);
  });

  it('keeps int64 exact and refuses what does not fit', () => {
    expect(int64Of(parsed('9223372036854775807'))).toBe(9223372036854775807n);
    expect(int64Of(parsed('-9223372036854775808'))).toBe(-9223372036854775808n);
    expect(int64Of(parsed('9223372036854775808'))).toBeUndefined();
    expect(int64Of(parsed('1.5'))).toBeUndefined();
    expect(parseNumber('abc')).toBeUndefined();
  });
});

describe('inference', () => {
  it('chooses types that keep every sampled value exact', () => {
    expect(inferred({ N: '1' }, { N: '9007199254740993' })).toBe('bigint');
    expect(inferred({ N: '1' }, { N: '2.5' })).toBe('decimal(38,9)');
    expect(inferred({ N: '12345678901234567890123456789012345678' })).toBe('decimal(38,0)');
    expect(inferred({ N: '1.0000000001' })).toBe('decimal(38,10)');
    expect(inferred({ N: '1e100' })).toBe('varchar');
    expect(inferred({ S: 'a' }, { N: '1' })).toBe('varchar');
    expect(inferred({ NULL: true })).toBe('varchar');
    expect(inferred({ NULL: true }, { BOOL: true })).toBe('boolean');
  });

  it('reads sets and lists as arrays, maps as structs or maps', () => {
    expect(inferred({ SS: ['a'] }, { L: [{ S: 'b' }] })).toBe('array<varchar>');
    expect(inferred({ NS: ['1', '2'] })).toBe('array<bigint>');
    expect(inferred({ L: [{ S: 'a' }, { N: '1' }] })).toBe('array<varchar>');
    expect(inferred({ L: [] })).toBe('array<varchar>');
    expect(inferred({ M: { b: { N: '1' } } }, { M: { a: { S: 'x' } } })).toBe('struct<a:varchar,b:bigint>');
    expect(inferred({ M: {} })).toBe('map<varchar,varchar>');
    expect(inferred({ M: { Key: { S: 'x' }, key: { S: 'y' } } })).toBe('map<varchar,varchar>');
  });
});

describe('conversion', () => {
  it('converts to the declared type exactly', () => {
    expect(createValueConverter(new Int64(), 'c')({ N: '9007199254740993' })).toBe(9007199254740993n);
    expect(createValueConverter(new Decimal(9, 38, 128), 'c')({ N: '1.5' })).toBe('1.5');
    expect(createValueConverter(new Utf8(), 'c')({ M: { a: { N: '1.50' }, b: { SS: ['x'] } } })).toBe(
      '{"a":1.5,"b":["x"]}',
    );
    // Up to 15 digits come back as numbers (exact: safe integers), longer ones as bigints.
    expect(
      createValueConverter(
        new List(new Field('item', new Int64(), true)),
        'c',
      )({ NS: ['3', '-4', '-999999999999999', '1000000000000000'] }),
    ).toEqual([3, -4, -999999999999999, 1000000000000000n]);
    expect(createValueConverter(new Int64(), 'c')(undefined)).toBeNull();
  });

  it('refuses values that do not fit, naming the column path and types', () => {
    const decimal = createValueConverter(new Decimal(2, 38, 128), 'Price');
    expect(() => decimal({ N: '1.234' })).toThrow(ValueMismatchError);
    try {
      createValueConverter(new Int64(), 'Count')({ S: 'many' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ path: 'Count', dynamoType: 'S', arrowType: 'bigint' });
    }
    expect(() => createValueConverter(new Int64(), 'c')({ N: '2.5' })).toThrow(/fraction/);
  });
});
