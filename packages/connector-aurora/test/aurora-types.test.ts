/** The MySQL → Arrow mapping rules that the live type matrix cannot reach (overflow, fallbacks). */
import { describe, expect, it } from 'vitest';
import { mapColumn } from '../src/aurora-types.js';

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
