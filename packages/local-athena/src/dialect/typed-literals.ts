/**
 * Trino's literal syntax DuckDB writes differently: interval literals (`INTERVAL '48' HOUR`) and
 * typed literals (`DATE '2024-01-01'`, `TIMESTAMP '… Europe/Berlin'`, `DECIMAL '1.5'` …).
 */
import type { IntervalContext, TypeConstructorContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { AthenaSqlError, UnsupportedSqlError } from './errors.js';
import { athenaZone, instantSql } from './zones.js';
import { type ZoneTranslator, sqlString, stringValue, zonedTimestampLiteral } from './zone-translator.js';

const intervalUnits: Readonly<Record<string, string>> = {
  YEAR: 'to_years',
  MONTH: 'to_months',
  DAY: 'to_days',
  HOUR: 'to_hours',
  MINUTE: 'to_minutes',
  SECOND: 'to_seconds',
};

/** `INTERVAL '48' HOUR` as DuckDB's `to_hours(48)`: the same interval, and constant-folded for pushdown. */
export function intervalSql(ctx: IntervalContext, translator: ZoneTranslator): string {
  const fields = ctx.intervalField().map((f) => f.getText().toUpperCase());
  const text = stringValue(ctx.string().getText()).trim();
  const negative = ctx.MINUS() !== null;
  if (fields.length === 2) {
    const [from, to] = fields;
    if (from === 'YEAR' && to === 'MONTH') {
      const match = /^(-?)(\d+)-(\d+)$/.exec(text);
      if (match === null)
        throw new AthenaSqlError(`Invalid INTERVAL YEAR TO MONTH value: ${text}`, translator.position(ctx));
      const sign = (match[1] === '-') !== negative ? '-' : '';
      return `(${sign}(to_years(${match[2]}) + to_months(${match[3]})))`;
    }
    throw new UnsupportedSqlError(
      `INTERVAL … ${from} TO ${to} is not supported by local-athena; add intervals of one unit each`,
      translator.position(ctx),
    );
  }
  const unit = fields[0] ?? '';
  const fn = intervalUnits[unit];
  const number = unit === 'SECOND' ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
  if (fn === undefined || !number.test(text))
    throw new AthenaSqlError(`Invalid INTERVAL ${unit} value: '${text}'`, translator.position(ctx));
  return `${fn}(${negative ? '-' : ''}${text})`;
}

/** `DATE '2024-01-01'`, `TIMESTAMP '…'`, `DECIMAL '1.5'`, `JSON '{…}'` … */
export function typedLiteralSql(ctx: TypeConstructorContext, translator: ZoneTranslator): string {
  const literal = translator.emit(ctx.string());
  const name = (ctx.identifier()?.getText() ?? 'double').toLowerCase();
  const value = stringValue(ctx.string().getText());
  switch (name) {
    case 'date':
      return `DATE ${literal}`;
    case 'timestamp': // A zone (`… UTC`, `… +01:00`, `… Europe/Paris`) makes it a timestamp with time zone.
      {
        const zoned = zonedTimestampLiteral.exec(value.trim());
        if (zoned === null) return `TIMESTAMP ${literal}`;
        return instantSql(
          `TIMESTAMP ${sqlString(zoned[1] ?? '')}`,
          athenaZone(zoned[2] ?? '', translator.position(ctx)),
        );
      }
    case 'time':
      return `TIME ${literal}`;
    case 'decimal': {
      const digits = value.trim().replace(/^[+-]/, '');
      const [whole = '', fraction = ''] = digits.split('.');
      const scale = fraction.length;
      return `CAST(${literal} AS DECIMAL(${Math.max(whole.replace(/^0+/, '').length + scale, 1)},${scale}))`;
    }
    case 'json':
      return `json(${literal})`;
    case 'double':
      return `CAST(${literal} AS DOUBLE)`;
    case 'real':
      return `CAST(${literal} AS FLOAT)`;
    case 'varchar':
    case 'char':
      return literal;
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'tinyint':
      return `CAST(${literal} AS ${name.toUpperCase()})`;
    case 'x':
      return `from_hex(${literal})`;
    default:
      throw new AthenaSqlError(`Unknown type: ${name}`, translator.position(ctx));
  }
}
