/** The MySQL → Arrow mapping rules that the live type matrix cannot reach (overflow, fallbacks). */
import { describe, expect, it } from 'vitest';
import { epochMillisOf, mapColumn, valueConverter } from '../src/aurora-types.js';

const column = (
  dataType: string,
  columnType: string,
  precision: number | null = null,
  scale: number | null = null,
) => ({ name: 'c', dataType, columnType, numericPrecision: precision, numericScale: scale, nullable: true });

describe('mapColumn', () => {
  it('refuses DECIMAL(p > 38) clearly, or reads it as text when configured', () => {
    expect(() => mapColumn(column('decimal', 'decimal(65,2)', 65, 2), { decimalOverflow: 'error' }, 'db.t')).toThrow(
      /decimal\(65,2\).*decimal_precision_overflow=varchar/,
    );
    expect(
      String(mapColumn(column('decimal', 'decimal(65,2)', 65, 2), { decimalOverflow: 'varchar' }, 'db.t').field.type),
    ).toBe('Utf8');
  });
  it('maps geometry to varbinary and unknown types to varchar', () => {
    const point = mapColumn(column('point', 'point'), { decimalOverflow: 'error' }, 't');
    expect([point.kind, String(point.field.type)]).toEqual(['geometry', 'Binary']);
    expect(mapColumn(column('inet6', 'inet6'), { decimalOverflow: 'error' }, 't').kind).toBe('text-fallback');
  });
  it('keeps TINYINT(1) UNSIGNED numeric', () => {
    expect(
      String(mapColumn(column('tinyint', 'tinyint(1) unsigned'), { decimalOverflow: 'error' }, 't').field.type),
    ).toBe('Int16');
  });
});

describe('valueConverter', () => {
  it('turns zero dates into NULL and reports them', () => {
    const warned: string[] = [];
    const convert = valueConverter(
      mapColumn(column('datetime', 'datetime(6)'), { decimalOverflow: 'error' }, 't'),
      (name) => warned.push(name),
    );
    expect(convert?.('0000-00-00 00:00:00.000000')).toBeNull();
    expect(convert?.('2024-00-10 00:00:00')).toBeNull();
    expect(convert?.('2024-01-10 01:02:03.123999')).toBe('2024-01-10 01:02:03.123999');
    expect(convert?.('2024-01-10 01:02:03')).toBe('2024-01-10 01:02:03.000000');
    expect(warned).toEqual(['c', 'c']);
  });
  it('reads DATETIME(3) and DATE as epoch millis / days, years before 100 included, invalid dates left to the writer', () => {
    const datetime = valueConverter(
      mapColumn(column('datetime', 'datetime(3)'), { decimalOverflow: 'error' }, 't'),
      () => undefined,
    );
    const date = valueConverter(mapColumn(column('date', 'date'), { decimalOverflow: 'error' }, 't'), () => undefined);
    for (const text of [
      '1970-01-01 00:00:00',
      '1969-12-31 23:59:59.999',
      '2024-02-29 12:34:56.7',
      '9999-12-31 23:59:59.999',
      '1000-01-01 00:00:00.001',
    ]) {
      expect(datetime?.(text)).toBe(new Date(`${text.replace(' ', 'T')}Z`).getTime());
    }
    const early = new Date(0);
    early.setUTCFullYear(42, 6, 4);
    expect(date?.('0042-07-04')).toBe(early.getTime() / 86_400_000);
    expect(date?.('1969-12-31')).toBe(-1);
    expect(date?.('2023-02-29')).toBe('2023-02-29');
  });
  it('agrees with the JS Date for 5,000 datetimes spread over years 1 to 9999', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    for (let i = 0; i < 5000; i++) {
      const expected = new Date(0);
      expected.setUTCFullYear(1 + ((i * 7919) % 9999), (i * 31) % 12, 1 + ((i * 17) % 28));
      expected.setUTCHours((i * 13) % 24, (i * 7) % 60, (i * 11) % 60, (i * 37) % 1000);
      const text = `${pad(expected.getUTCFullYear(), 4)}-${pad(expected.getUTCMonth() + 1, 2)}-${pad(expected.getUTCDate(), 2)} ${pad(expected.getUTCHours(), 2)}:${pad(expected.getUTCMinutes(), 2)}:${pad(expected.getUTCSeconds(), 2)}.${pad(expected.getUTCMilliseconds(), 3)}`;
      expect(epochMillisOf(text, 3), text).toBe(expected.getTime());
    }
  });
  it('reads BIT(64) with the high bit set exactly, as an unsigned decimal', () => {
    const convert = valueConverter(
      mapColumn(column('bit', 'bit(64)'), { decimalOverflow: 'error' }, 't'),
      () => undefined,
    );
    expect(convert?.(Buffer.from('8000000000000000', 'hex'))).toBe('9223372036854775808');
    expect(convert?.(Buffer.from('ffffffffffffffff', 'hex'))).toBe('18446744073709551615');
  });
});
