/** The MySQL → Arrow mapping rules that the live type matrix cannot reach (overflow, fallbacks). */
import { describe, expect, it } from 'vitest';
import { mapColumn, valueConverter } from '../src/aurora-types.js';

const column = (dataType: string, columnType: string, precision: number | null = null, scale: number | null = null) => ({ name: 'c', dataType, columnType, numericPrecision: precision, numericScale: scale, nullable: true });

describe('mapColumn', () => {
  it('refuses DECIMAL(p > 38) clearly, or reads it as text when configured', () => {
    expect(() => mapColumn(column('decimal', 'decimal(65,2)', 65, 2), { decimalOverflow: 'error' }, 'db.t')).toThrow(/decimal\(65,2\).*decimal_precision_overflow=varchar/);
    expect(String(mapColumn(column('decimal', 'decimal(65,2)', 65, 2), { decimalOverflow: 'varchar' }, 'db.t').field.type)).toBe('Utf8');
  });
  it('maps geometry to varbinary and unknown types to varchar', () => {
    expect(mapColumn(column('point', 'point'), { decimalOverflow: 'error' }, 't').kind).toBe('binary');
    expect(mapColumn(column('inet6', 'inet6'), { decimalOverflow: 'error' }, 't').kind).toBe('text-fallback');
  });
  it('keeps TINYINT(1) UNSIGNED numeric', () => {
    expect(String(mapColumn(column('tinyint', 'tinyint(1) unsigned'), { decimalOverflow: 'error' }, 't').field.type)).toBe('Int16');
  });
});

describe('valueConverter', () => {
  it('turns zero dates into NULL and reports them', () => {
    const warned: string[] = [];
    const convert = valueConverter(mapColumn(column('datetime', 'datetime(6)'), { decimalOverflow: 'error' }, 't'), (name) => warned.push(name));
    expect(convert('0000-00-00 00:00:00')).toBeNull();
    expect(convert('2024-00-10 00:00:00')).toBeNull();
    expect(convert('2024-01-10 01:02:03.123999')).toBe('2024-01-10T01:02:03.123');
    expect(warned).toEqual(['c', 'c']);
  });
  it('reads BIT(64) with the high bit set as Java getLong does', () => {
    const convert = valueConverter(mapColumn(column('bit', 'bit(64)'), { decimalOverflow: 'error' }, 't'), () => undefined);
    expect(convert(Buffer.from('8000000000000000', 'hex'))).toBe(-9223372036854775808n);
  });
});
