import {
  Binary,
  Bool,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Null,
  Struct,
  TimeMillisecond,
  TimeUnit,
  Timestamp,
  Uint32,
  Utf8,
  type DataType,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowTypeFromJson, arrowTypeToJson } from '../../src/index.js';

describe('ArrowType JSON', () => {
  const scalars: [DataType, unknown][] = [
    [new Null(), { '@type': 'Null' }],
    [new Bool(), { '@type': 'Bool' }],
    [new Int8(), { '@type': 'Int', bitWidth: 8, isSigned: true }],
    [new Int16(), { '@type': 'Int', bitWidth: 16, isSigned: true }],
    [new Int32(), { '@type': 'Int', bitWidth: 32, isSigned: true }],
    [new Int64(), { '@type': 'Int', bitWidth: 64, isSigned: true }],
    [new Uint32(), { '@type': 'Int', bitWidth: 32, isSigned: false }],
    [new Float32(), { '@type': 'FloatingPoint', precision: 'SINGLE' }],
    [new Float64(), { '@type': 'FloatingPoint', precision: 'DOUBLE' }],
    [new Decimal(9, 38, 128), { '@type': 'Decimal', precision: 38, scale: 9 }],
    [new Utf8(), { '@type': 'Utf8' }],
    [new Binary(), { '@type': 'Binary' }],
    [new DateDay(), { '@type': 'Date', unit: 'DAY' }],
    [new DateMillisecond(), { '@type': 'Date', unit: 'MILLISECOND' }],
    [new TimeMillisecond(), { '@type': 'Time', unit: 'MILLISECOND', bitWidth: 32 }],
    [
      new Timestamp(TimeUnit.MILLISECOND, 'America/New_York'),
      { '@type': 'Timestamp', unit: 'MILLISECOND', timezone: 'America/New_York' },
    ],
    [new Timestamp(TimeUnit.MICROSECOND, null), { '@type': 'Timestamp', unit: 'MICROSECOND', timezone: null }],
    [new FixedSizeBinary(16), { '@type': 'FixedSizeBinary', byteWidth: 16 }],
  ];
  for (const [type, json] of scalars) {
    it(`${String(type)} ⇄ ${JSON.stringify(json)}`, () => {
      expect(arrowTypeToJson(type)).toEqual(json);
      expect(String(arrowTypeFromJson(arrowTypeToJson(type)))).toBe(String(type));
    });
  }

  it('nested types have JSON without children, and cannot be rebuilt from it', () => {
    expect(arrowTypeToJson(new List(new Field('item', new Int32())))).toEqual({ '@type': 'List' });
    expect(arrowTypeToJson(new Struct([new Field('a', new Int32())]))).toEqual({ '@type': 'Struct' });
    const map = new Map_(
      new Field(
        'entries',
        new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32())]),
        false,
      ),
    );
    expect(arrowTypeToJson(map)).toEqual({ '@type': 'Map' });
    expect(() => arrowTypeFromJson({ '@type': 'List' })).toThrow(/nested/);
    expect(() => arrowTypeFromJson({ '@type': 'Int', bitWidth: 12, isSigned: true })).toThrow(/bitWidth 12/);
  });
});
