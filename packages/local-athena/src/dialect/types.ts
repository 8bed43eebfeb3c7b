/**
 * Athena (Trino) type names as DuckDB types, for CAST, TRY_CAST and typed literals. Types whose
 * values DuckDB would store differently (a varchar's length limit, a timestamp's precision) are
 * noted where they matter; types DuckDB has no counterpart for are refused by name.
 */
import type { ParserRuleContext } from 'antlr4ng';
import {
  ArrayTypeContext,
  DateTimeTypeContext,
  DoublePrecisionTypeContext,
  GenericTypeContext,
  IntervalTypeContext,
  LegacyArrayTypeContext,
  LegacyMapTypeContext,
  RowTypeContext,
  TimeTypeContext,
  type TypeContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { UnsupportedSqlError, type SqlPosition } from './errors.js';

const simple: Readonly<Record<string, string>> = {
  boolean: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  integer: 'INTEGER',
  int: 'INTEGER',
  bigint: 'BIGINT',
  real: 'FLOAT',
  double: 'DOUBLE',
  decimal: 'DECIMAL',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  varbinary: 'BLOB',
  json: 'JSON',
  date: 'DATE',
  uuid: 'UUID',
};

/** The DuckDB spelling of an Athena type. */
export function duckdbType(
  type: TypeContext,
  position: (node: ParserRuleContext) => SqlPosition,
  identifierText: (node: ParserRuleContext) => string,
): string {
  const recurse = (t: TypeContext) => duckdbType(t, position, identifierText);
  if (type instanceof DoublePrecisionTypeContext) return 'DOUBLE';
  if (type instanceof DateTimeTypeContext) return type.KW_WITH() !== null ? 'TIMESTAMPTZ' : 'TIMESTAMP';
  if (type instanceof TimeTypeContext) {
    if (type.KW_WITH() !== null)
      throw new UnsupportedSqlError('time with time zone is not supported by local-athena', position(type));
    return 'TIME';
  }
  if (type instanceof ArrayTypeContext) return `${recurse(type.type())}[]`;
  if (type instanceof LegacyArrayTypeContext) return `${recurse(type.type())}[]`;
  if (type instanceof LegacyMapTypeContext) {
    const [key, value] = type.type_();
    if (key === undefined || value === undefined)
      throw new UnsupportedSqlError('map needs a key and a value type', position(type));
    return `MAP(${recurse(key)}, ${recurse(value)})`;
  }
  if (type instanceof RowTypeContext) {
    const fields = type
      .rowField()
      .map(
        (field, i) =>
          `${field.identifier() === null ? `field${i}` : identifierText(field.identifier() as ParserRuleContext)} ${recurse(field.type())}`,
      );
    return `STRUCT(${fields.join(', ')})`;
  }
  if (type instanceof IntervalTypeContext) return 'INTERVAL';
  if (type instanceof GenericTypeContext) {
    const name = identifierText(type.identifier()).toLowerCase();
    const parameters = type.typeParameter();
    if (name === 'array' && parameters.length === 1 && parameters[0]?.type() !== null)
      return `${recurse(parameters[0]?.type() as TypeContext)}[]`;
    if (name === 'map' && parameters.length === 2) {
      const [key, value] = parameters.map((p) => p.type());
      if (key !== null && key !== undefined && value !== null && value !== undefined)
        return `MAP(${recurse(key)}, ${recurse(value)})`;
    }
    const base = simple[name];
    if (base === undefined)
      throw new UnsupportedSqlError(`type ${name} is not supported by local-athena`, position(type));
    if (name === 'decimal') {
      const numbers = parameters.map((p) => p.INTEGER_VALUE()?.getText());
      // Athena's DECIMAL without precision is decimal(38,0); DuckDB's would be (18,3).
      return `DECIMAL(${numbers[0] ?? '38'},${numbers[1] ?? '0'})`;
    }
    return base;
  }
  throw new UnsupportedSqlError(`type ${type.getText()} is not supported by local-athena`, position(type));
}
