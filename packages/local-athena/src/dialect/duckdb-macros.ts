/**
 * DuckDB macros behind the translation: Athena's semantics where DuckDB's built-ins differ in
 * answer or type. A macro cannot branch on types with CASE (its arms must share one type), so the
 * type-dependent ones pick a field of a struct by a key computed from `typeof()`, which DuckDB
 * folds while binding: `struct_extract({'date': …, 'other': …}, CASE WHEN typeof(x) = 'DATE' …)`
 * has the chosen field's type. The other fields still run, so each is guarded by a constant
 * condition that folds them to NULL. An unknown key is a bind-time error carrying its text, which
 * is how type errors Athena reports while analysing (`3 || 'x'`) surface before any split is read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** Prefix of the struct keys that are really error messages (see {@link duckdbErrorToAthena}). */
export const BIND_ERROR_PREFIX = 'athena-error: ';
/** Prefix of the struct keys that are failed type checks of the check SQL (see {@link duckdbErrorToAthena}). */
export const CHECK_ERROR_PREFIX = 'athena-check: ';
/** Prefix of the runtime errors the macros raise through a failing cast. */
export const RUNTIME_ERROR_PREFIX = 'athena-error: ';

const integerTypes = `('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT')`;
/** A bind error's struct key (see {@link duckdbErrorToAthena}); `message` is SQL for a string. */
/** athena_type_class's classes (but 'other'), as a regular expression alternation. */
const classes = 'number|string|datetime|TIME|BOOLEAN|BLOB|INTERVAL';
const fail = (message: string) => `athena_bind_error(${message})`;
const failText = (message: string) => fail(`'${message.replaceAll("'", "''")}'`);

/** Every macro, in dependency order (a macro may call those before it). */
const macros: readonly string[] = [
  // An error raised by a failing cast rather than error(), which TRY(…) refuses to wrap (volatile);
  // it depends on a value, so DuckDB does not fold it while planning.
  `athena_fail(message, anchor) AS CAST('${RUNTIME_ERROR_PREFIX}' || message || substr(CAST(anchor AS VARCHAR), 1, 0) AS INTEGER)`,
  // DuckDB lower-cases the unknown key in its error, so each capital is marked with a ^ before it,
  // and duckdbErrorToAthena restores them.
  `athena_bind_error(message) AS '${BIND_ERROR_PREFIX}' || regexp_replace(message, '([A-Z^])', '^\\1', 'g')`,
  `athena_is_integer(x) AS typeof(x) IN ${integerTypes}`,
  `athena_is_decimal(x) AS typeof(x) LIKE 'DECIMAL(%'`,
  `athena_is_exact(x) AS athena_is_integer(x) OR athena_is_decimal(x)`,
  `athena_is_string(x) AS typeof(x) IN ('VARCHAR', '"NULL"', 'JSON')`,
  `athena_scale(x) AS coalesce(TRY_CAST(regexp_extract(typeof(x), ',(\\d+)\\)', 1) AS INTEGER), 0)`,
  // Athena's name for a DuckDB type, as Athena's messages and typeof() spell it.
  `athena_type_name(t) AS regexp_replace(regexp_replace(regexp_replace(replace(replace(replace(replace(replace(replace(lower(t), 'timestamp with time zone', 'timestamp(3) with time zone'), 'timestamp', 'timestamp(3)'), '(3)(3)', '(3)'), 'blob', 'varbinary'), 'float', 'real'), '"null"', 'unknown'), '^([a-z0-9_(), ]+)\\[\\]$', 'array(\\1)'), 'struct\\(', 'row('), '^hugeint$', 'decimal(38,0)')`,
  // Athena's type checks of operands, which DuckDB would convert implicitly (a varchar to a date or
  // a number, a number to a date): the struct key the translation's check SQL uses, 'ok' or
  // `athena-check: <check id>|<type>|<type>`, from which duckdbErrorToAthena writes Athena's error.
  // Types are grouped in classes Athena converts within (integers, decimals and floats are numbers;
  // dates and timestamps are datetimes); 'other' (NULL, arrays, maps, rows, JSON) is left to DuckDB.
  // Kept small: every check binds these once per operand pair.
  `athena_type_class(t) AS coalesce(MAP {${[
    ...[
      'TINYINT',
      'SMALLINT',
      'INTEGER',
      'BIGINT',
      'HUGEINT',
      'UTINYINT',
      'USMALLINT',
      'UINTEGER',
      'UBIGINT',
      'FLOAT',
      'DOUBLE',
    ].map((t) => `'${t}': 'number'`),
    `'VARCHAR': 'string'`,
    ...['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS'].map(
      (t) => `'${t}': 'datetime'`,
    ),
    ...['TIME', 'BOOLEAN', 'BLOB', 'INTERVAL'].map((t) => `'${t}': '${t}'`),
  ].join(', ')}}[t], CASE WHEN t LIKE 'DECIMAL(%' THEN 'number' ELSE 'other' END)`,
  `athena_check_failed(id, types) AS '${CHECK_ERROR_PREFIX}' || id || '|' || types`,
  // One operand's type against the type names (and DECIMALs) the others' class refuses.
  `athena_refuse_types(id, t, refused, decimals) AS CASE WHEN list_contains(refused, t) OR (decimals AND t LIKE 'DECIMAL(%') THEN athena_check_failed(id, t) ELSE 'ok' END`,
  // A pair of classes ('number|string') is comparable when the classes are one, or either is 'other'.
  `athena_comparable(pair) AS regexp_matches(pair, '^(${classes
    .split('|')
    .map((c) => `${c}\\|${c}`)
    .join('|')})$|other')`,
  `athena_comparison_check(id, ta, tb) AS CASE WHEN athena_comparable(athena_type_class(ta) || '|' || athena_type_class(tb)) THEN 'ok' ELSE athena_check_failed(id, ta || '|' || tb) END`,
  `athena_between_check(id, ta, tb, tc) AS CASE WHEN athena_comparable(athena_type_class(ta) || '|' || athena_type_class(tb)) AND athena_comparable(athena_type_class(ta) || '|' || athena_type_class(tc)) THEN 'ok'
     ELSE athena_check_failed(id, ta || '|' || tb || '|' || tc) END`,
  // + - * / %: numbers with numbers, datetimes and intervals among themselves (DuckDB then decides
  // which it can compute); never a varchar, a boolean or a varbinary, nor a number with a datetime.
  `athena_arithmetic_check(id, ta, tb) AS CASE WHEN regexp_matches(athena_type_class(ta) || '|' || athena_type_class(tb),
     '^(string|BOOLEAN|BLOB)\\|(${classes})$|^(${classes})\\|(string|BOOLEAN|BLOB)$|^(datetime|TIME)\\|number$|^number\\|(datetime|TIME)$') THEN athena_check_failed(id, ta || '|' || tb) ELSE 'ok' END`,
  // Decimal division with Athena's result scale max(s1, s2), rounded half up, computed on the
  // unscaled integers: the quotient truncated to one more digit decides the rounding exactly.
  `athena_unscaled(x) AS CAST(replace(CAST(x AS VARCHAR), '.', '') AS HUGEINT)`,
  `athena_pow10(n) AS CAST('1' || repeat('0', n) AS HUGEINT)`,
  `athena_decimal_quotient(a, b, s) AS CASE WHEN athena_unscaled(b) = 0 THEN athena_fail('Division by zero', b) ELSE (athena_unscaled(a) * athena_pow10(athena_scale(b) + s + 1 - athena_scale(a))) // athena_unscaled(b) END`,
  `athena_decimal_divide(a, b, s) AS list_transform([{'q': athena_decimal_quotient(a, b, s), 's': s}], athena_d -> CAST(athena_d.q // athena_pow10(athena_d.s + 1) AS HUGEINT)
     + round(CAST((CASE WHEN athena_d.q < 0 THEN '-' ELSE '' END) || '0.' || lpad(CAST(abs(athena_d.q % athena_pow10(athena_d.s + 1)) AS VARCHAR), athena_d.s + 1, '0') AS DECIMAL(38,37)), s))[1]`,
  `athena_divide_of(a, b) AS struct_extract({
     'integer': CASE WHEN athena_is_integer(a) AND athena_is_integer(b) THEN CASE WHEN b = 0 THEN athena_fail('Division by zero', b) ELSE a // b END END,
     'decimal': athena_decimal_divide(CASE WHEN athena_is_exact(a) AND athena_is_exact(b) THEN a END, CASE WHEN athena_is_exact(a) AND athena_is_exact(b) THEN b END, greatest(athena_scale(a), athena_scale(b))),
     'number': a / b},
     CASE WHEN athena_is_integer(a) AND athena_is_integer(b) THEN 'integer' WHEN athena_is_exact(a) AND athena_is_exact(b) THEN 'decimal' ELSE 'number' END)`,
  // typeof() of a quotient or an average, whose DuckDB type has precision 38: Athena's type, computed
  // from the operands' DuckDB types while binding (integers count as decimals of their digits, as
  // Trino coerces them; https://trino.io/docs/current/functions/decimal.html's table for x / y).
  `athena_decimal_parts(t) AS CASE WHEN t LIKE 'DECIMAL(%' THEN [CAST(regexp_extract(t, '\\((\\d+),', 1) AS INTEGER), CAST(regexp_extract(t, ',(\\d+)\\)', 1) AS INTEGER)]
     ELSE MAP {'TINYINT': [3, 0], 'SMALLINT': [5, 0], 'INTEGER': [10, 0], 'BIGINT': [19, 0]}[t] END`,
  `athena_quotient_type(ta, tb, fallback) AS CASE WHEN (ta LIKE 'DECIMAL(%' OR tb LIKE 'DECIMAL(%') AND athena_decimal_parts(ta) IS NOT NULL AND athena_decimal_parts(tb) IS NOT NULL
     THEN 'decimal(' || least(38, athena_decimal_parts(ta)[1] + athena_decimal_parts(tb)[2] + greatest(0, athena_decimal_parts(tb)[2] - athena_decimal_parts(ta)[2])) || ',' || greatest(athena_decimal_parts(ta)[2], athena_decimal_parts(tb)[2]) || ')' ELSE fallback END`,
  `athena_average_type(t, fallback) AS CASE WHEN t LIKE 'DECIMAL(%' THEN lower(t) ELSE fallback END`,
  // avg of a decimal (DuckDB's sum of one is a DECIMAL(38,s)): the sum over the count at the input's scale.
  `athena_avg_of(average, total, n) AS struct_extract({
     'decimal': athena_decimal_divide(CASE WHEN athena_is_decimal(total) THEN total END, CASE WHEN athena_is_decimal(total) THEN nullif(n, 0) END, athena_scale(total)),
     'other': average},
     CASE WHEN athena_is_decimal(total) THEN 'decimal' ELSE 'other' END)`,
  `athena_avg(average, total, n) AS list_transform([{'average': average, 'total': total, 'n': n}], athena_p -> athena_avg_of(athena_p.average, athena_p.total, athena_p.n))[1]`,
  // The operands are bound once, as a lambda's parameter: a macro copies its arguments into every
  // place its body names them, so nested divisions would grow exponentially while binding.
  `athena_divide(a, b) AS list_transform([{'a': a, 'b': b}], athena_p -> athena_divide_of(athena_p.a, athena_p.b))[1]`,
  `athena_modulus(a, b) AS CASE WHEN (athena_is_exact(a) AND athena_is_exact(b)) AND b = 0 THEN athena_fail('Division by zero', b) ELSE a % b END`,
  // Athena's || takes strings (or arrays, or varbinary) on both sides, never a number.
  `athena_concat(a, b) AS struct_extract({'ok': a || b},
     CASE WHEN (athena_is_string(a) AND athena_is_string(b)) OR (typeof(a) LIKE '%[]' AND typeof(b) LIKE '%[]') OR (typeof(a) = 'BLOB' AND typeof(b) = 'BLOB') OR typeof(a) = '"NULL"' OR typeof(b) = '"NULL"' THEN 'ok'
     ELSE ${fail(`'''||'' cannot be applied to ' || athena_type_name(typeof(a)) || ', ' || athena_type_name(typeof(b)) || ' (Athena concatenates strings only: CAST the other operand AS VARCHAR)'`)} END)`,
  // Date and time: units as Athena names them.
  `athena_interval(unit, v) AS CASE lower(unit) WHEN 'millisecond' THEN to_milliseconds(v) WHEN 'second' THEN to_seconds(v) WHEN 'minute' THEN to_minutes(v) WHEN 'hour' THEN to_hours(v)
     WHEN 'day' THEN to_days(v) WHEN 'week' THEN to_weeks(v) WHEN 'month' THEN to_months(v) WHEN 'quarter' THEN to_months(3 * v) WHEN 'year' THEN to_years(v)
     ELSE error('''' || unit || ''' is not a valid TIMESTAMP field') END`,
  `athena_date_interval(unit, v) AS CASE WHEN lower(unit) IN ('day', 'week', 'month', 'quarter', 'year') THEN athena_interval(unit, v) ELSE error('''' || unit || ''' is not a valid DATE field') END`,
  `athena_date_add(unit, v, x) AS struct_extract({
     'date': CAST(CASE WHEN typeof(x) = 'DATE' THEN x END + CASE WHEN typeof(x) = 'DATE' THEN athena_date_interval(unit, v) END AS DATE),
     'other': x + athena_interval(unit, v)},
     CASE WHEN typeof(x) = 'DATE' THEN 'date' ELSE 'other' END)`,
  // date ± interval of days, months or years is a date in Athena, a timestamp in DuckDB.
  `athena_date_shift(x, i) AS struct_extract({'date': CAST(CASE WHEN typeof(x) = 'DATE' THEN x END + i AS DATE), 'other': x + i}, CASE WHEN typeof(x) = 'DATE' THEN 'date' ELSE 'other' END)`,
  // Athena adds hours, minutes and seconds to timestamps and times, never to a date.
  `athena_time_shift(x, i) AS struct_extract({'ok': x + i}, CASE WHEN typeof(x) = 'DATE' THEN ${failText('Cannot add hour, minutes or seconds to a date (CAST it AS TIMESTAMP first)')} ELSE 'ok' END)`,
  `athena_date_diff(unit, a, b) AS CASE WHEN lower(unit) IN ('millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year') THEN date_sub(lower(unit), a, b) ELSE error('''' || unit || ''' is not a valid TIMESTAMP field') END`,
  `athena_trunc_unit(unit) AS CASE WHEN lower(unit) IN ('millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year') THEN lower(unit) ELSE error('''' || unit || ''' is not a valid TIMESTAMP field') END`,
  `athena_date_trunc(unit, x) AS struct_extract({
     'date': CAST(date_trunc(athena_trunc_unit(unit), CASE WHEN typeof(x) = 'DATE' THEN x END) AS DATE),
     'other': date_trunc(athena_trunc_unit(unit), x)},
     CASE WHEN typeof(x) = 'DATE' THEN 'date' ELSE 'other' END)`,
  `athena_to_iso8601(x) AS struct_extract({
     'date': strftime(CASE WHEN typeof(x) = 'DATE' THEN x END, '%Y-%m-%d'),
     'tz': strftime(CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN x END, '%Y-%m-%dT%H:%M:%S.%gZ'),
     'other': strftime(CASE WHEN typeof(x) NOT IN ('DATE', 'TIMESTAMP WITH TIME ZONE') THEN x END, '%Y-%m-%dT%H:%M:%S.%g')},
     CASE typeof(x) WHEN 'DATE' THEN 'date' WHEN 'TIMESTAMP WITH TIME ZONE' THEN 'tz' ELSE 'other' END)`,
  `athena_millisecond(x) AS millisecond(x) % 1000`,
  // A zoned value's local date-time and back, with its zone read per row (a connector column's
  // companion, a zone column): Athena's zone ids are UTC, ±hh:mm offsets (which DuckDB's ICU does
  // not know) and IANA names.
  `athena_offset_minutes(z) AS CASE WHEN regexp_matches(z, '^[+-]\\d\\d:\\d\\d$') THEN (CASE WHEN z[1] = '-' THEN -1 ELSE 1 END) * (CAST(z[2:3] AS INTEGER) * 60 + CAST(z[5:6] AS INTEGER)) WHEN upper(z) = 'UTC' THEN 0 END`,
  `athena_local(x, z) AS CASE WHEN athena_offset_minutes(z) IS NOT NULL THEN CAST(CAST(x AS TIMESTAMPTZ) AS TIMESTAMP) + to_minutes(athena_offset_minutes(z)) ELSE timezone(z, CAST(x AS TIMESTAMPTZ)) END`,
  // The zone of an ISO 8601 text's offset (…Z, …+02, …+0200, …+02:00) as Athena's id, UTC without one.
  `athena_iso8601_offset(o) AS CASE WHEN o = '' OR upper(o) = 'Z' OR regexp_matches(o, '^[+-]0+$') THEN 'UTC' ELSE o[1] || o[2:3] || ':' || coalesce(nullif(o[4:5], ''), '00') END`,
  `athena_iso8601_zone(t) AS athena_iso8601_offset(replace(regexp_extract(t, 'T.*?([Zz]|[+-]\\d\\d(?::?\\d\\d)?)$', 1), ':', ''))`,
  `athena_instant(l, z) AS CASE WHEN athena_offset_minutes(z) IS NOT NULL THEN CAST(CAST(l AS TIMESTAMP) - to_minutes(athena_offset_minutes(z)) AS TIMESTAMPTZ) ELSE timezone(z, CAST(l AS TIMESTAMP)) END`,
  // Aggregates whose DuckDB result type is wider than Athena's (HUGEINT where Athena has bigint).
  `athena_bigint_result(x) AS struct_extract({'bigint': CAST(CASE WHEN typeof(x) = 'HUGEINT' THEN x END AS BIGINT), 'other': x}, CASE WHEN typeof(x) = 'HUGEINT' THEN 'bigint' ELSE 'other' END)`,
  // Arrays and maps.
  // A field must bind for every input type, and few DuckDB functions take both lists and maps:
  // subscripts do, and JSON does (cardinality is rare enough to afford it).
  `athena_cardinality(x) AS struct_extract({'list': CAST(json_array_length(to_json(CASE WHEN typeof(x) LIKE '%[]' THEN x END)) AS BIGINT), 'map': len(json_keys(to_json(CASE WHEN typeof(x) LIKE 'MAP(%' THEN x END)))},
     CASE WHEN typeof(x) LIKE '%[]' THEN 'list' WHEN typeof(x) LIKE 'MAP(%' THEN 'map' ELSE ${fail(`'cardinality() takes an array or a map, not ' || athena_type_name(typeof(x))`)} END)`,
  `athena_element_at(x, i) AS CASE WHEN typeof(x) LIKE '%[]' AND CAST(i AS VARCHAR) = '0' THEN error('SQL array indices start at 1') ELSE x[i] END`,
  `athena_contains(a, x) AS CASE WHEN x IS NULL THEN NULL WHEN list_contains(a, x) THEN true WHEN list_contains(list_transform(a, e -> e IS NULL), true) THEN NULL ELSE false END`,
  `athena_split_part(s, d, i) AS CASE WHEN i > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, i) END`,
  `athena_array_position(a, x) AS coalesce(list_position(a, x), 0)`,
  // Strings and JSON.
  `athena_regexp_extract(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END`,
  `athena_json_extract_scalar(j, p) AS CASE WHEN json_type(j, p) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, p) END`,
  `athena_greatest_nulls(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END`,
];

/** The statements that create the macros (idempotent). */
export const ATHENA_MACRO_SQL = macros.map((m) => `CREATE OR REPLACE MACRO ${m.replace(/\s*\n\s*/g, ' ')};`).join('\n');

/**
 * Prepares a DuckDB connection for translated SQL: Athena's session time zone (UTC) and the
 * macros. Both the parser database and the one that runs the queries need it.
 */
export async function installAthenaDialect(connection: DuckDBConnection): Promise<void> {
  await connection.run(`SET TimeZone = 'UTC';\n${ATHENA_MACRO_SQL}`);
}
