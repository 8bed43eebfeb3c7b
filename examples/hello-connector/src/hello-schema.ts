/**
 * A table's schema from its `_schema.json` sidecar: one JSON object mapping each column name to an
 * Athena type, in column order. No Glue needed — the table describes itself next to its data.
 */
import {
  Bool,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  Schema,
  Utf8,
  type DataType,
} from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';

/** The Athena types a sidecar may name, and the Arrow type each one is served as (as Java's connectors map them). */
const TYPES: Readonly<Record<string, () => DataType>> = {
  boolean: () => new Bool(),
  tinyint: () => new Int8(),
  smallint: () => new Int16(),
  int: () => new Int32(),
  integer: () => new Int32(),
  bigint: () => new Int64(),
  real: () => new Float32(),
  float: () => new Float32(),
  double: () => new Float64(),
  varchar: () => new Utf8(),
  string: () => new Utf8(),
  date: () => new DateDay(),
  timestamp: () => new DateMillisecond(),
};

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

function arrowTypeOf(type: string, column: string, where: string): DataType {
  const name = type.trim().toLowerCase();
  const scalar = TYPES[name];
  if (scalar !== undefined) return scalar();
  const decimal = DECIMAL.exec(name);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision >= 1 && precision <= 38 && scale <= precision) return new Decimal(scale, precision, 128);
  }
  throw new ConnectorError(
    'InvalidInput',
    `${where}: column ${JSON.stringify(column)} has type ${JSON.stringify(type)}; use one of ${Object.keys(TYPES).join(', ')} or decimal(p,s) with 1 ≤ p ≤ 38, s ≤ p`,
  );
}

/**
 * Parses a sidecar's text, e.g. `{"id": "bigint", "name": "varchar", "price": "decimal(10,2)"}`.
 * `where` names the object (`s3://bucket/key`) in every error. Column names must be lower-case,
 * because Athena lower-cases every identifier in a query and would never find `Name`.
 */
export function parseSchemaFile(text: string, where: string): Schema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConnectorError('InvalidInput', `${where} is not valid JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConnectorError('InvalidInput', `${where} must be a JSON object mapping column names to Athena types`);
  }
  const fields = Object.entries(parsed).map(([column, type]: [string, unknown]) => {
    if (column === '' || column !== column.toLowerCase())
      throw new ConnectorError(
        'InvalidInput',
        `${where}: column name ${JSON.stringify(column)} must be non-empty and lower-case`,
      );
    if (typeof type !== 'string')
      throw new ConnectorError(
        'InvalidInput',
        `${where}: the type of column ${JSON.stringify(column)} must be a string`,
      );
    return new Field(column, arrowTypeOf(type, column, where), true);
  });
  if (fields.length === 0) throw new ConnectorError('InvalidInput', `${where} declares no columns`);
  return new Schema(fields);
}
