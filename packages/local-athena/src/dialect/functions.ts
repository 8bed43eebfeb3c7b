/**
 * Athena's functions, each as DuckDB writes it. An entry names the Trino documentation page that
 * defines it (the tests take their expected answers from there), how many arguments it takes, and
 * how to emit it: the same DuckDB function, a renamed one, reordered arguments, or a macro from
 * `duckdb-macros.ts` where DuckDB's answer or type differs. A function not listed here is refused
 * with "not supported by local-athena", never left to DuckDB's catalog.
 */
import { AthenaSqlError, type SqlPosition, UnsupportedSqlError } from './errors.js';
import { mysqlToStrftime } from './mysql-format.js';

/** One call, its arguments already in DuckDB's SQL. */
export interface FunctionCall {
  readonly name: string;
  readonly args: readonly string[];
  readonly position: SqlPosition;
  /** The i-th argument's value when it is a plain string literal. */
  readonly literal: (i: number) => string | undefined;
  /** `fn(args)` with the call's DISTINCT, ORDER BY, FILTER and OVER clauses. */
  readonly render: (fn: string, args?: readonly string[]) => string;
}

/** What local-athena knows of one Athena function. */
export interface AthenaFunction {
  /** The Trino documentation page (and anchor) that defines the function. */
  readonly doc: string;
  /** Argument counts accepted; -1 means "one or more". */
  readonly arity: readonly number[];
  readonly kind: 'scalar' | 'aggregate' | 'window';
  readonly emit: (call: FunctionCall) => string;
}

const docs = 'https://trino.io/docs/current/functions';
const page = {
  aggregate: `${docs}/aggregate.html`,
  array: `${docs}/array.html`,
  comparison: `${docs}/comparison.html`,
  conditional: `${docs}/conditional.html`,
  conversion: `${docs}/conversion.html`,
  datetime: `${docs}/datetime.html`,
  json: `${docs}/json.html`,
  map: `${docs}/map.html`,
  math: `${docs}/math.html`,
  regexp: `${docs}/regexp.html`,
  string: `${docs}/string.html`,
  window: `${docs}/window.html`,
} as const;

type Kind = AthenaFunction['kind'];

/** The same function under the same or another DuckDB name, arguments unchanged. */
const rename = (doc: string, arity: readonly number[], to?: string, kind: Kind = 'scalar'): AthenaFunction => ({
  doc,
  arity,
  kind,
  emit: (c) => c.render(to ?? c.name),
});
/** A macro or expression over the arguments. */
const custom = (
  doc: string,
  arity: readonly number[],
  emit: (call: FunctionCall) => string,
  kind: Kind = 'scalar',
): AthenaFunction => ({ doc, arity, kind, emit });
/** An aggregate whose DuckDB result is HUGEINT where Athena's is bigint. */
const bigintAggregate = (doc: string, arity: readonly number[], to?: string): AthenaFunction =>
  custom(doc, arity, (c) => `athena_bigint_result(${c.render(to ?? c.name)})`, 'aggregate');

/** A unit argument checked at translation time when it is a literal, as Athena checks it while analysing. */
function checkUnit(call: FunctionCall, index: number, units: readonly string[], kind: string): void {
  const unit = call.literal(index);
  if (unit !== undefined && !units.includes(unit.toLowerCase()))
    throw new AthenaSqlError(`'${unit}' is not a valid ${kind} field`, call.position);
}
const timestampUnits = ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

function literalPattern(call: FunctionCall, index: number): string {
  const pattern = call.literal(index);
  if (pattern === undefined)
    throw new UnsupportedSqlError(`${call.name} needs its format as a string literal in local-athena`, call.position);
  return `'${mysqlToStrftime(pattern, call.position).replaceAll("'", "''")}'`;
}

/** Trino's `$1` group references in a replacement are DuckDB's `\1`. */
function replacement(call: FunctionCall, index: number): string {
  const literal = call.literal(index);
  if (literal === undefined) return `regexp_replace(${call.args[index] ?? "''"}, '\\$(\\d)', '\\\\\\1', 'g')`;
  return `'${literal
    .replace(/\\/g, '\\\\')
    .replace(/\$(\d)/g, '\\$1')
    .replaceAll("'", "''")}'`;
}

/**
 * Athena's format() is Java's String.format, whose %s takes any value; DuckDB's printf wants a
 * string for %s, so those arguments are cast (the format must be a literal to know which they are).
 */
function formatCall(call: FunctionCall): string {
  const pattern = call.literal(0);
  if (pattern === undefined)
    throw new UnsupportedSqlError('format needs its format as a string literal in local-athena', call.position);
  const conversions = [...pattern.matchAll(/%(?:\d+\$)?[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z%])/g)]
    .map((m) => m[1])
    .filter((c) => c !== '%' && c !== 'n');
  const args = call.args
    .slice(1)
    .map((arg, i) => (conversions[i] === 's' || conversions[i] === 'S' ? `CAST(${arg} AS VARCHAR)` : arg));
  return `printf(${[call.args[0] ?? "''", ...args].join(', ')})`;
}

const nullIfAnyNull = (fn: string) => (c: FunctionCall) =>
  `CASE WHEN ${c.args.map((a) => `(${a}) IS NULL`).join(' OR ')} THEN NULL ELSE ${fn}(${c.args.join(', ')}) END`;

/** Athena function name (lower case) → how local-athena runs it. */
export const athenaFunctions: Readonly<Record<string, AthenaFunction>> = {
  // Date and time
  date_add: custom(page.datetime + '#date_add', [3], (c) => {
    checkUnit(c, 0, timestampUnits, 'TIMESTAMP');
    return `athena_date_add(${c.args.join(', ')})`;
  }),
  date_diff: custom(page.datetime + '#date_diff', [3], (c) => {
    checkUnit(c, 0, timestampUnits, 'TIMESTAMP');
    return `athena_date_diff(${c.args.join(', ')})`;
  }),
  date_trunc: custom(page.datetime + '#date_trunc', [2], (c) => {
    checkUnit(c, 0, timestampUnits, 'TIMESTAMP');
    return `athena_date_trunc(${c.args.join(', ')})`;
  }),
  date_format: custom(
    page.datetime + '#date_format',
    [2],
    (c) => `strftime(${c.args[0] ?? ''}, ${literalPattern(c, 1)})`,
  ),
  date_parse: custom(
    page.datetime + '#date_parse',
    [2],
    (c) => `strptime(${c.args[0] ?? ''}, ${literalPattern(c, 1)})`,
  ),
  from_iso8601_timestamp: custom(
    page.datetime + '#from_iso8601_timestamp',
    [1],
    (c) => `CAST(${c.args[0] ?? ''} AS TIMESTAMPTZ)`,
  ),
  from_iso8601_date: custom(page.datetime + '#from_iso8601_date', [1], (c) => `CAST(${c.args[0] ?? ''} AS DATE)`),
  to_iso8601: custom(page.datetime + '#to_iso8601', [1], (c) => `athena_to_iso8601(${c.args[0] ?? ''})`),
  from_unixtime: custom(page.datetime + '#from_unixtime', [1], (c) => `to_timestamp(${c.args[0] ?? ''})`),
  to_unixtime: custom(page.datetime + '#to_unixtime', [1], (c) => `epoch(${c.args[0] ?? ''})`),
  to_milliseconds: custom(
    page.datetime + '#to_milliseconds',
    [1],
    (c) => `CAST(epoch(${c.args[0] ?? ''}) * 1000 AS BIGINT)`,
  ),
  at_timezone: custom(
    page.datetime + '#at_timezone',
    [2],
    (c) => `timezone(${c.args[1] ?? ''}, CAST(${c.args[0] ?? ''} AS TIMESTAMPTZ))`,
  ),
  with_timezone: custom(
    page.datetime + '#with_timezone',
    [2],
    (c) => `timezone(${c.args[1] ?? ''}, CAST(${c.args[0] ?? ''} AS TIMESTAMP))`,
  ),
  current_timezone: custom(page.datetime + '#current_timezone', [0], () => `'UTC'`),
  date: custom(page.datetime + '#date', [1], (c) => `CAST(${c.args[0] ?? ''} AS DATE)`),
  last_day_of_month: rename(page.datetime + '#last_day_of_month', [1], 'last_day'),
  now: rename(page.datetime + '#now', [0], 'now'),
  year: rename(page.datetime + '#year', [1]),
  quarter: rename(page.datetime + '#quarter', [1]),
  month: rename(page.datetime + '#month', [1]),
  week: rename(page.datetime + '#week', [1]),
  week_of_year: rename(page.datetime + '#week_of_year', [1], 'week'),
  day: rename(page.datetime + '#day', [1]),
  day_of_month: rename(page.datetime + '#day_of_month', [1], 'day'),
  day_of_week: rename(page.datetime + '#day_of_week', [1], 'isodow'),
  dow: rename(page.datetime + '#dow', [1], 'isodow'),
  day_of_year: rename(page.datetime + '#day_of_year', [1], 'dayofyear'),
  doy: rename(page.datetime + '#doy', [1], 'dayofyear'),
  year_of_week: rename(page.datetime + '#year_of_week', [1], 'isoyear'),
  yow: rename(page.datetime + '#yow', [1], 'isoyear'),
  hour: rename(page.datetime + '#hour', [1]),
  minute: rename(page.datetime + '#minute', [1]),
  second: rename(page.datetime + '#second', [1]),
  millisecond: custom(page.datetime + '#millisecond', [1], (c) => `athena_millisecond(${c.args[0] ?? ''})`),

  // Aggregates
  count: rename(page.aggregate + '#count', [0, 1], 'count', 'aggregate'),
  count_if: bigintAggregate(page.aggregate + '#count_if', [1]),
  sum: bigintAggregate(page.aggregate + '#sum', [1]),
  // avg of a decimal is a decimal of the input's scale, rounded half up (Trino's DecimalAverageAggregation):
  // the exact sum over the count, where DuckDB's avg would be a double.
  avg: custom(
    page.aggregate + '#avg',
    [1],
    (c) => `athena_avg(${c.render('avg')}, ${c.render('sum')}, ${c.render('count')})`,
    'aggregate',
  ),
  min: rename(page.aggregate + '#min', [1], 'min', 'aggregate'),
  max: rename(page.aggregate + '#max', [1], 'max', 'aggregate'),
  approx_distinct: custom(
    page.aggregate + '#approx_distinct',
    [1],
    (c) => c.render('approx_count_distinct', c.args.slice(0, 1)),
    'aggregate',
  ),
  // Athena's answer is an approximation within its error bound; local-athena returns the exact value.
  approx_percentile: custom(page.aggregate + '#approx_percentile', [2], (c) => c.render('quantile_disc'), 'aggregate'),
  array_agg: rename(page.aggregate + '#array_agg', [1], 'array_agg', 'aggregate'),
  max_by: rename(page.aggregate + '#max_by', [2, 3], 'max_by', 'aggregate'),
  min_by: rename(page.aggregate + '#min_by', [2, 3], 'min_by', 'aggregate'),
  bool_and: rename(page.aggregate + '#bool_and', [1], 'bool_and', 'aggregate'),
  bool_or: rename(page.aggregate + '#bool_or', [1], 'bool_or', 'aggregate'),
  every: rename(page.aggregate + '#every', [1], 'bool_and', 'aggregate'),
  arbitrary: rename(page.aggregate + '#arbitrary', [1], 'any_value', 'aggregate'),
  any_value: rename(page.aggregate + '#any_value', [1], 'any_value', 'aggregate'),
  stddev: rename(page.aggregate + '#stddev', [1], 'stddev_samp', 'aggregate'),
  stddev_samp: rename(page.aggregate + '#stddev_samp', [1], 'stddev_samp', 'aggregate'),
  stddev_pop: rename(page.aggregate + '#stddev_pop', [1], 'stddev_pop', 'aggregate'),
  variance: rename(page.aggregate + '#variance', [1], 'var_samp', 'aggregate'),
  var_samp: rename(page.aggregate + '#var_samp', [1], 'var_samp', 'aggregate'),
  var_pop: rename(page.aggregate + '#var_pop', [1], 'var_pop', 'aggregate'),

  // Window functions
  row_number: rename(page.window + '#row_number', [0], 'row_number', 'window'),
  rank: rename(page.window + '#rank', [0], 'rank', 'window'),
  dense_rank: rename(page.window + '#dense_rank', [0], 'dense_rank', 'window'),
  percent_rank: rename(page.window + '#percent_rank', [0], 'percent_rank', 'window'),
  cume_dist: rename(page.window + '#cume_dist', [0], 'cume_dist', 'window'),
  ntile: rename(page.window + '#ntile', [1], 'ntile', 'window'),
  lag: rename(page.window + '#lag', [1, 2, 3], 'lag', 'window'),
  lead: rename(page.window + '#lead', [1, 2, 3], 'lead', 'window'),
  first_value: rename(page.window + '#first_value', [1], 'first_value', 'window'),
  last_value: rename(page.window + '#last_value', [1], 'last_value', 'window'),
  nth_value: rename(page.window + '#nth_value', [2], 'nth_value', 'window'),

  // Arrays and maps
  cardinality: custom(page.array + '#cardinality', [1], (c) => `athena_cardinality(${c.args[0] ?? ''})`),
  element_at: custom(page.array + '#element_at', [2], (c) => `athena_element_at(${c.args.join(', ')})`),
  array_join: custom(page.array + '#array_join', [2, 3], (c) =>
    c.args.length === 2
      ? `array_to_string(${c.args[0] ?? ''}, ${c.args[1] ?? ''})`
      : `array_to_string(list_transform(${c.args[0] ?? ''}, athena_e -> coalesce(CAST(athena_e AS VARCHAR), ${c.args[2] ?? ''})), ${c.args[1] ?? ''})`,
  ),
  contains: custom(page.array + '#contains', [2], (c) => `athena_contains(${c.args.join(', ')})`),
  sequence: custom(page.array + '#sequence', [2, 3], (c) => `generate_series(${c.args.join(', ')})`),
  split: custom(page.string + '#split', [2], (c) => `string_split(${c.args.join(', ')})`),
  split_part: custom(page.string + '#split_part', [3], (c) => `athena_split_part(${c.args.join(', ')})`),
  array_max: rename(page.array + '#array_max', [1], 'list_max'),
  array_min: rename(page.array + '#array_min', [1], 'list_min'),
  array_sort: rename(page.array + '#array_sort', [1], 'list_sort'),
  array_position: custom(page.array + '#array_position', [2], (c) => `athena_array_position(${c.args.join(', ')})`),
  filter: rename(page.array + '#filter', [2], 'list_filter'),
  transform: rename(page.array + '#transform', [2], 'list_transform'),
  flatten: rename(page.array + '#flatten', [1]),
  map_keys: rename(page.map + '#map_keys', [1]),
  map_values: rename(page.map + '#map_values', [1]),
  map: rename(page.map + '#map', [0, 2]),

  // Strings
  concat: custom(page.string + '#concat', [-1], (c) =>
    c.args.slice(1).reduce((acc, arg) => `athena_concat(${acc}, ${arg})`, `athena_concat(${c.args[0] ?? ''}, '')`),
  ),
  concat_ws: rename(page.string + '#concat_ws', [-1]),
  length: rename(page.string + '#length', [1]),
  lower: rename(page.string + '#lower', [1]),
  upper: rename(page.string + '#upper', [1]),
  trim: rename(page.string + '#trim', [1]),
  ltrim: rename(page.string + '#ltrim', [1]),
  rtrim: rename(page.string + '#rtrim', [1]),
  lpad: rename(page.string + '#lpad', [3]),
  rpad: rename(page.string + '#rpad', [3]),
  replace: custom(
    page.string + '#replace',
    [2, 3],
    (c) => `replace(${c.args[0] ?? ''}, ${c.args[1] ?? ''}, ${c.args[2] ?? "''"})`,
  ),
  reverse: rename(page.string + '#reverse', [1]),
  strpos: rename(page.string + '#strpos', [2]),
  substr: rename(page.string + '#substr', [2, 3], 'substring'),
  substring: rename(page.string + '#substring', [2, 3]),
  starts_with: rename(page.string + '#starts_with', [2]),
  chr: rename(page.string + '#chr', [1]),
  codepoint: rename(page.string + '#codepoint', [1], 'unicode'),
  levenshtein_distance: rename(page.string + '#levenshtein_distance', [2], 'levenshtein'),
  hamming_distance: rename(page.string + '#hamming_distance', [2], 'hamming'),
  to_utf8: rename(page.string + '#to_utf8', [1], 'encode'),
  from_utf8: rename(page.string + '#from_utf8', [1], 'decode'),

  // Regular expressions
  regexp_like: rename(page.regexp + '#regexp_like', [2], 'regexp_matches'),
  regexp_extract: custom(
    page.regexp + '#regexp_extract',
    [2, 3],
    (c) => `athena_regexp_extract(${c.args[0] ?? ''}, ${c.args[1] ?? ''}, ${c.args[2] ?? '0'})`,
  ),
  regexp_extract_all: custom(
    page.regexp + '#regexp_extract_all',
    [2, 3],
    (c) => `regexp_extract_all(${c.args[0] ?? ''}, ${c.args[1] ?? ''}, ${c.args[2] ?? '0'})`,
  ),
  regexp_replace: custom(
    page.regexp + '#regexp_replace',
    [2, 3],
    (c) =>
      `regexp_replace(${c.args[0] ?? ''}, ${c.args[1] ?? ''}, ${c.args.length === 3 ? replacement(c, 2) : "''"}, 'g')`,
  ),
  regexp_split: rename(page.regexp + '#regexp_split', [2], 'string_split_regex'),

  // JSON
  json_extract: rename(page.json + '#json_extract', [2]),
  json_extract_scalar: custom(
    page.json + '#json_extract_scalar',
    [2],
    (c) => `athena_json_extract_scalar(${c.args.join(', ')})`,
  ),
  json_format: custom(page.json + '#json_format', [1], (c) => `CAST(${c.args[0] ?? ''} AS VARCHAR)`),
  json_parse: custom(page.json + '#json_parse', [1], (c) => `json(${c.args[0] ?? ''})`),
  json_array_length: rename(page.json + '#json_array_length', [1]),

  // Conditional, conversion and math
  if: custom(
    page.conditional + '#if',
    [2, 3],
    (c) =>
      `CASE WHEN ${c.args[0] ?? ''} THEN ${c.args[1] ?? ''}${c.args[2] === undefined ? '' : ` ELSE ${c.args[2]}`} END`,
  ),
  nullif: rename(page.conditional + '#nullif', [2]),
  coalesce: rename(page.conditional + '#coalesce', [-1]),
  try: rename(page.conditional + '#try', [1]),
  greatest: custom(page.comparison + '#greatest', [-1], nullIfAnyNull('greatest')),
  least: custom(page.comparison + '#least', [-1], nullIfAnyNull('least')),
  typeof: custom(page.conversion + '#typeof', [1], (c) => `athena_type_name(typeof(${c.args[0] ?? ''}))`),
  format: custom(page.conversion + '#format', [-1], formatCall),
  abs: rename(page.math + '#abs', [1]),
  ceil: rename(page.math + '#ceil', [1]),
  ceiling: rename(page.math + '#ceiling', [1], 'ceil'),
  floor: rename(page.math + '#floor', [1]),
  round: rename(page.math + '#round', [1, 2]),
  truncate: rename(page.math + '#truncate', [1], 'trunc'),
  mod: custom(page.math + '#mod', [2], (c) => `athena_modulus(${c.args.join(', ')})`),
  power: rename(page.math + '#power', [2]),
  pow: rename(page.math + '#pow', [2], 'power'),
  sqrt: rename(page.math + '#sqrt', [1]),
  exp: rename(page.math + '#exp', [1]),
  ln: rename(page.math + '#ln', [1]),
  log2: rename(page.math + '#log2', [1]),
  log10: rename(page.math + '#log10', [1]),
  sign: rename(page.math + '#sign', [1]),
  pi: rename(page.math + '#pi', [0]),
  random: rename(page.math + '#random', [0]),
  rand: rename(page.math + '#rand', [0], 'random'),
  is_nan: rename(page.math + '#is_nan', [1], 'isnan'),
  is_finite: rename(page.math + '#is_finite', [1], 'isfinite'),
  is_infinite: rename(page.math + '#is_infinite', [1], 'isinf'),
  nan: custom(page.math + '#nan', [0], () => `CAST('NaN' AS DOUBLE)`),
  infinity: custom(page.math + '#infinity', [0], () => `CAST('Infinity' AS DOUBLE)`),
};

/** DuckDB functions people bring to Athena, with the Athena spelling. */
export const duckdbOnlyFunctions: Readonly<Record<string, string>> = {
  string_agg: 'use listagg(x, sep) WITHIN GROUP (ORDER BY …), or array_join(array_agg(x), sep)',
  group_concat: 'use listagg(x, sep) WITHIN GROUP (ORDER BY …)',
  strftime: "use date_format(x, '%Y-%m-%d')",
  strptime: "use date_parse(s, '%Y-%m-%d')",
  list_value: 'use ARRAY[…]',
  list_extract: 'use element_at(array, i)',
  list_contains: 'use contains(array, x)',
  len: 'use cardinality(array) or length(string)',
  array_length: 'use cardinality(array)',
  epoch: 'use to_unixtime(x)',
  epoch_ms: 'use to_unixtime(x) * 1000',
  to_timestamp: 'use from_unixtime(x)',
  datediff: "use date_diff('day', a, b)",
  date_part: 'use extract(field FROM x) or year(x), month(x), …',
  datepart: 'use extract(field FROM x)',
  regexp_matches: 'use regexp_like(s, pattern)',
  printf: 'use format(fmt, …)',
  ifnull: 'use coalesce(a, b)',
  list_aggregate: 'use reduce(…) or an aggregate over UNNEST',
  string_split: 'use split(s, sep)',
  median: 'use approx_percentile(x, 0.5)',
  quantile: 'use approx_percentile(x, p)',
  arg_max: 'use max_by(x, y)',
  arg_min: 'use min_by(x, y)',
};
