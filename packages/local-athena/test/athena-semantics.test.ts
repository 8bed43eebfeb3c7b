// Athena's answers where DuckDB's differ, and Athena's refusals, through the whole of
// LocalAthena.query. Expected answers come from the Trino documentation Athena's engine follows
// (cited per case); without the dialect layer every case here fails (DuckDB answers 2.5 for 5 / 2,
// runs INTERVAL 48 HOUR, string_agg and 3 || 'x', and has no date_add(unit, n, x)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaSqlError, UnsupportedSqlError } from '../src/index.js';
import { type AthenaSession, openAthenaSession } from './support/athena-session.js';

let athena: AthenaSession;
beforeAll(async () => {
  athena = await openAthenaSession();
});
afterAll(() => athena?.close());

const math = 'https://trino.io/docs/current/functions/math.html';
const datetime = 'https://trino.io/docs/current/functions/datetime.html';
const aggregate = 'https://trino.io/docs/current/functions/aggregate.html';
const types = 'https://trino.io/docs/current/language/types.html';
const conversion = 'https://trino.io/docs/current/functions/conversion.html';
const decimal = 'https://trino.io/docs/current/functions/decimal.html';

describe("Athena's types and operators", () => {
  it.each([
    // Integer division truncates (math.html, "Mathematical operators": "integer division performs truncation").
    ['SELECT 5 / 2', '2', math],
    ['SELECT -7 / 2', '-3', math],
    ['SELECT typeof(5 / 2)', 'integer', math],
    ['SELECT 5.0E0 / 2', '2.5', math],
    // Decimal division keeps a decimal of scale max(s1, s2), rounded half up (types.html#decimal).
    ['SELECT CAST(7 AS DECIMAL(10,2)) / 3', '2.33', 'https://trino.io/docs/current/language/types.html#decimal'],
    ['SELECT CAST(-7 AS DECIMAL(10,2)) / 3', '-2.33', 'https://trino.io/docs/current/language/types.html#decimal'],
    ['SELECT CAST(2 AS DECIMAL(10,2)) / 3', '0.67', 'https://trino.io/docs/current/language/types.html#decimal'],
    // date_trunc returns the input's type: a date stays a date (datetime.html#date_trunc).
    ["SELECT date_trunc('month', DATE '2024-05-17')", '2024-05-01', `${datetime}#date_trunc`],
    ["SELECT typeof(date_trunc('month', DATE '2024-05-17'))", 'date', `${datetime}#date_trunc`],
    [
      "SELECT date_trunc('month', TIMESTAMP '2022-10-20 05:10:00')",
      '2022-10-01 00:00:00.000',
      `${datetime}#date_trunc`,
    ],
    // Timestamps print with milliseconds (datetime.html, "Date and time operators").
    ["SELECT timestamp '2012-08-08 01:00' + interval '29' hour", '2012-08-09 06:00:00.000', datetime],
    ["SELECT timestamp '2012-10-31 01:00' + interval '1' month", '2012-11-30 01:00:00.000', datetime],
    ["SELECT date '2012-08-08' - interval '2' day", '2012-08-06', datetime],
    // A timestamp with time zone prints with its zone (datetime.html, "Time zone conversion").
    [
      "SELECT from_iso8601_timestamp('2020-05-11T11:15:05.055Z')",
      '2020-05-11 11:15:05.055 UTC',
      `${datetime}#from_iso8601_timestamp`,
    ],
    ["SELECT timestamp '2012-10-31 01:00 UTC'", '2012-10-31 01:00:00.000 UTC', `${datetime}#time-zone-conversion`],
    [
      "SELECT timestamp '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles'",
      '2012-10-30 18:00:00.000 America/Los_Angeles',
      `${datetime}#time-zone-conversion`,
    ],
    [
      "SELECT TIMESTAMP '2024-01-01 10:00 Europe/Berlin'",
      '2024-01-01 10:00:00.000 Europe/Berlin',
      `${types}#timestamp-with-time-zone`,
    ],
    [
      "SELECT TIMESTAMP '2024-07-01 10:00 America/New_York'",
      '2024-07-01 10:00:00.000 America/New_York',
      `${types}#timestamp-with-time-zone`,
    ],
    [
      "SELECT TIMESTAMP '2024-01-01 10:00 +05:30'",
      '2024-01-01 10:00:00.000 +05:30',
      `${types}#timestamp-with-time-zone`,
    ],
    [
      "SELECT from_iso8601_timestamp('2024-01-01T10:00:00+02:00')",
      '2024-01-01 10:00:00.000 +02:00',
      `${datetime}#from_iso8601_timestamp`,
    ],
    // The zone is kept through expressions: interval arithmetic, date_trunc (in the zone), CAST.
    [
      "SELECT TIMESTAMP '2024-01-01 10:00:00.123 -08:00' + INTERVAL '1' HOUR",
      '2024-01-01 11:00:00.123 -08:00',
      datetime,
    ],
    [
      "SELECT date_trunc('day', TIMESTAMP '2024-01-01 00:30 Europe/Berlin')",
      '2024-01-01 00:00:00.000 Europe/Berlin',
      `${datetime}#date_trunc`,
    ],
    [
      "SELECT CAST(TIMESTAMP '2024-01-01 10:00 Europe/Berlin' AS timestamp with time zone)",
      '2024-01-01 10:00:00.000 Europe/Berlin',
      `${conversion}#cast`,
    ],
    // date_add adds days, weeks, months and years on the zone's calendar (Trino's timestamptz DateAdd
    // uses the value's zone chronology): across Los Angeles' DST change on 2021-03-14 a day is 23 hours;
    // `+ INTERVAL '1' DAY` adds 24 hours to the instant (TimestampWithTimeZoneOperators).
    [
      "SELECT date_add('day', 1, TIMESTAMP '2021-03-13 12:00 America/Los_Angeles')",
      '2021-03-14 12:00:00.000 America/Los_Angeles',
      `${datetime}#date_add`,
    ],
    [
      "SELECT date_add('week', -1, TIMESTAMP '2021-03-20 12:00 America/Los_Angeles')",
      '2021-03-13 12:00:00.000 America/Los_Angeles',
      `${datetime}#date_add`,
    ],
    [
      "SELECT TIMESTAMP '2021-03-13 12:00 America/Los_Angeles' + INTERVAL '1' DAY",
      '2021-03-14 13:00:00.000 America/Los_Angeles',
      datetime,
    ],
    [
      "SELECT date_add('hour', 24, TIMESTAMP '2021-03-13 12:00 America/Los_Angeles')",
      '2021-03-14 13:00:00.000 America/Los_Angeles',
      `${datetime}#date_add`,
    ],
    // Local fields are read in the value's zone; CAST to timestamp gives the local wall time.
    ["SELECT hour(from_iso8601_timestamp('2024-01-01T10:00:00+02:00'))", '10', `${datetime}#hour`],
    [
      "SELECT extract(hour FROM TIMESTAMP '2024-01-01 10:00 UTC' AT TIME ZONE 'Asia/Tokyo')",
      '19',
      `${datetime}#extract`,
    ],
    ["SELECT day(TIMESTAMP '2024-01-01 00:30 Europe/Berlin')", '1', `${datetime}#day`],
    ["SELECT date(TIMESTAMP '2024-01-01 00:30 Europe/Berlin')", '2024-01-01', `${datetime}#date`],
    [
      "SELECT CAST(TIMESTAMP '2024-01-01 10:00 Europe/Berlin' AS timestamp)",
      '2024-01-01 10:00:00.000',
      `${conversion}#cast`,
    ],
    [
      "SELECT CAST(TIMESTAMP '2024-01-01 10:00 +05:30' AS varchar)",
      '2024-01-01 10:00:00.000 +05:30',
      `${conversion}#cast`,
    ],
    ["SELECT date_format(TIMESTAMP '2024-01-01 10:00 America/New_York', '%H:%i')", '10:00', `${datetime}#date_format`],
    [
      "SELECT to_iso8601(TIMESTAMP '2024-07-01 10:00 America/New_York')",
      '2024-07-01T10:00:00.000-04:00',
      `${datetime}#to_iso8601`,
    ],
    [
      "SELECT to_unixtime(from_iso8601_timestamp('2024-01-01T10:00:00+02:00'))",
      '1704096000',
      `${datetime}#to_unixtime`,
    ],
    // Comparison is by instant: 10:00 UTC is 11:00 in Berlin.
    [
      "SELECT TIMESTAMP '2024-01-01 10:00 UTC' = TIMESTAMP '2024-01-01 11:00 Europe/Berlin'",
      'true',
      `${types}#timestamp-with-time-zone`,
    ],
    [
      "SELECT TIMESTAMP '2024-01-01 10:30 UTC' > TIMESTAMP '2024-01-01 11:00 Europe/Berlin'",
      'true',
      `${types}#timestamp-with-time-zone`,
    ],
    [
      "SELECT max(t) FROM (VALUES TIMESTAMP '2024-01-01 12:00 Asia/Tokyo', TIMESTAMP '2024-01-01 04:00 UTC') AS x (t)",
      '2024-01-01 04:00:00.000 UTC',
      `${aggregate}#max`,
    ],
    // avg of a decimal is a decimal of the input's scale, rounded half up (Trino's avg(decimal(p,s)) →
    // decimal(p,s), io.trino.operator.aggregation.DecimalAverageAggregation; aggregate.html#avg).
    ['SELECT avg(x) FROM (VALUES CAST(1 AS DECIMAL(10,2)), 2, 2) AS t (x)', '1.67', `${aggregate}#avg`],
    ["SELECT avg(x) FROM (VALUES DECIMAL '0.05', DECIMAL '0.10') AS t (x)", '0.08', `${aggregate}#avg`],
    ["SELECT avg(x) FROM (VALUES DECIMAL '-0.05', DECIMAL '-0.10') AS t (x)", '-0.08', `${aggregate}#avg`],
    [
      "SELECT avg(DISTINCT x) FILTER (WHERE x > -2) FROM (VALUES DECIMAL '-1.000', DECIMAL '-2.000', DECIMAL '-1.125', DECIMAL '-1.125') AS t (x)",
      '-1.063',
      `${aggregate}#avg`,
    ],
    ['SELECT typeof(avg(x)) FROM (VALUES CAST(1 AS DECIMAL(10,2))) AS t (x)', 'decimal(10,2)', `${aggregate}#avg`],
    [
      "SELECT typeof(avg(x)) FROM (VALUES (1, DECIMAL '1.50')) AS t (g, x) GROUP BY g",
      'decimal(3,2)',
      `${aggregate}#avg`,
    ],
    // x / y of decimals is decimal(min(38, xp + ys + max(0, ys - xs)), max(xs, ys)), an integer operand
    // counting as decimal(10,0) (the decimal operators' table: https://trino.io/docs/current/functions/decimal.html).
    ["SELECT typeof(DECIMAL '1.5' / DECIMAL '0.25')", 'decimal(5,2)', decimal],
    ['SELECT typeof(CAST(7 AS DECIMAL(10,2)) / 3)', 'decimal(10,2)', decimal],
    ['SELECT typeof((CAST(1 AS DECIMAL(4,1)) / CAST(3 AS DECIMAL(5,3))))', 'decimal(9,3)', decimal],
    ['SELECT typeof(5 / 2)', 'integer', math],
    ["SELECT avg(x) FROM (SELECT DECIMAL '1.5' AS x WHERE false)", 'NULL', `${aggregate}#avg`],
    ['SELECT avg(x) FROM (VALUES 1, 2) AS t (x)', '1.5', `${aggregate}#avg`],
    // Identifiers are case-insensitive (https://trino.io/docs/current/language/reserved.html).
    ['SELECT X FROM (SELECT 1 AS x) AS T', '1', 'https://trino.io/docs/current/language/reserved.html'],
  ])('%s is %s (%s)', async (sql, expected) => {
    expect(await athena.value(sql)).toBe(expected);
  });

  it('refuses integer division by zero, as Athena does (math.html)', async () => {
    await expect(athena.value('SELECT 5 / 0')).rejects.toThrow(/Division by zero/);
  });

  it("reads Trino's VALUES rows and names unaliased columns _col0, _col1 (https://trino.io/docs/current/sql/values.html)", async () => {
    expect(await athena.rows('VALUES 1, 2, 3')).toEqual([['1'], ['2'], ['3']]);
    expect(await athena.rows("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t (id, name)")).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
    expect(await athena.columns('SELECT 1, 2 AS two, 3')).toEqual(['_col0', 'two', '_col2']);
  });

  it("from_iso8601_timestamp of a column keeps each text's offset as its zone (datetime.html#from_iso8601_timestamp)", async () => {
    const sql =
      "SELECT from_iso8601_timestamp(x), hour(from_iso8601_timestamp(x)), CAST(from_iso8601_timestamp(x) AS timestamp) FROM (VALUES '2024-01-01T10:00:00+02:00', '2024-01-01T10:00:00.5-0530', '2024-01-01T10:00:00Z') AS t (x)";
    expect(await athena.rows(sql)).toEqual([
      ['2024-01-01 10:00:00.000 +02:00', '10', '2024-01-01 10:00:00.000'],
      ['2024-01-01 10:00:00.500 -05:30', '10', '2024-01-01 10:00:00.500'],
      ['2024-01-01 10:00:00.000 UTC', '10', '2024-01-01 10:00:00.000'],
    ]);
  });

  it('prints a zoned column in its zone next to plain columns (datetime.html#at_timezone)', async () => {
    const sql =
      "SELECT x, at_timezone(TIMESTAMP '2021-08-22 13:00 UTC', 'America/Los_Angeles') FROM (VALUES 1) AS t (x)";
    expect(await athena.rows(sql)).toEqual([['1', '2021-08-22 06:00:00.000 America/Los_Angeles']]);
  });
});

describe("what Athena refuses is refused, with Athena's spelling", () => {
  it.each([
    ["SELECT DATE '2024-01-01' - INTERVAL 48 HOUR", /use INTERVAL '48' HOUR/],
    ["SELECT string_agg(x, ',') FROM (VALUES 'a') AS t (x)", /use listagg\(x, sep\) WITHIN GROUP \(ORDER BY …\)/],
    ["SELECT strftime(DATE '2024-01-01', '%Y')", /use date_format/],
    ['SELECT list_value(1, 2)', /use ARRAY\[…\]/],
    ['SELECT 1::INTEGER', /use CAST\(x AS type\)/],
    ['SELECT `x` FROM (SELECT 1 AS x)', /backquoted identifiers are not supported; use double quotes/],
  ])('%s', async (sql, message) => {
    const error = await athena.value(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AthenaSqlError);
    expect(String(error)).toMatch(message);
  });

  it("refuses 3 || ' claims' (Athena's || concatenates strings: https://trino.io/docs/current/functions/string.html#concat), before any row is read", async () => {
    const error = await athena.value("SELECT 3 || ' claims'").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AthenaSqlError);
    expect(String(error)).toMatch(/'\|\|' cannot be applied to integer, varchar/);
    expect(await athena.value("SELECT CAST(3 AS VARCHAR) || ' claims'")).toBe('3 claims');
  });

  it("refuses a unit Athena does not know (datetime.html, 'Interval functions')", async () => {
    await expect(athena.value("SELECT date_add('decade', 1, DATE '2024-01-01')")).rejects.toThrow(
      /'decade' is not a valid TIMESTAMP field/,
    );
    await expect(athena.value("SELECT date_add('hour', 1, DATE '2024-01-01')")).rejects.toThrow(
      /'hour' is not a valid DATE field/,
    );
  });

  it('names a function local-athena does not cover as such, never with DuckDB catalog errors', async () => {
    const error = await athena.value("SELECT soundex('x')").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedSqlError);
    expect(String(error)).toMatch(/line 1:8: function soundex is not supported by local-athena/);
    expect(String(error)).not.toMatch(/Catalog Error/);
  });

  it('runs queries only', async () => {
    await expect(athena.value('DELETE FROM t')).rejects.toThrow(
      /local-athena runs queries \(SELECT, WITH, VALUES\), not DELETE FROM statements/,
    );
  });

  // "Trino will not convert between character and numeric types" (conversion.html), nor a varchar to
  // a date or timestamp: Trino fails while analysing, "Cannot apply operator: date = varchar(10)".
  it.each([
    [
      "SELECT DATE '2024-01-01' = '2024-01-01'",
      "line 1:8: Cannot apply operator: date = varchar(10) (Athena does not convert a varchar implicitly: use DATE '2024-01-01')",
    ],
    [
      "SELECT x FROM (VALUES DATE '2024-01-01') AS t (x) WHERE x >= '2024-01-01'",
      "line 1:57: Cannot apply operator: date >= varchar(10) (Athena does not convert a varchar implicitly: use DATE '2024-01-01')",
    ],
    [
      "SELECT '2024-01-01 10:00' < TIMESTAMP '2024-01-02 00:00'",
      "line 1:8: Cannot apply operator: varchar(16) < timestamp(3) (Athena does not convert a varchar implicitly: use TIMESTAMP '2024-01-01 10:00')",
    ],
    [
      "SELECT 1 = '1'",
      "line 1:8: Cannot apply operator: integer = varchar(1) (Athena does not convert a varchar implicitly: use CAST('1' AS integer))",
    ],
    [
      "SELECT x FROM (VALUES 'a') AS t (x) WHERE x = 1",
      'line 1:43: Cannot apply operator: varchar = integer (Athena does not convert a varchar implicitly: use an explicit CAST(… AS integer))',
    ],
    [
      "SELECT 1 IN (1, '2')",
      "line 1:8: IN value and list items must be the same type: integer and varchar(1) (Athena does not convert a varchar implicitly: use CAST('2' AS integer))",
    ],
    [
      "SELECT DATE '2024-01-05' BETWEEN '2024-01-01' AND DATE '2024-02-01'",
      "line 1:8: Cannot check if date is BETWEEN varchar(10) and date (Athena does not convert a varchar implicitly: use DATE '2024-01-01')",
    ],
    [
      "SELECT 1 + '2'",
      "line 1:8: Cannot apply operator: integer + varchar(1) (Athena does not convert a varchar implicitly: use CAST('2' AS integer))",
    ],
    [
      "SELECT DATE '2024-01-01' + 1",
      'line 1:8: Cannot apply operator: date + integer (Athena does not convert between these types implicitly: use an explicit CAST(… AS integer))',
    ],
    [
      'SELECT true = 1',
      'line 1:8: Cannot apply operator: boolean = integer (Athena does not convert between these types implicitly: use an explicit CAST(… AS integer))',
    ],
    [
      "SELECT filter(ARRAY[1, 2], x -> x > '1')",
      "line 1:33: Cannot apply operator: integer > varchar(1) (Athena does not convert a varchar implicitly: use CAST('1' AS integer))",
    ],
  ])(`refuses %s as Athena does, with the Athena spelling (${conversion})`, async (sql, message) => {
    const error = await athena.value(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AthenaSqlError);
    expect((error as Error).message).toBe(message);
  });

  it.each([
    // Conversions Athena does make: within numbers, date to timestamp, NULL to anything (conversion.html).
    [
      "SELECT 1 < 2.5, CAST(1 AS BIGINT) = 1, 1.5E0 > DECIMAL '1.2', 2 BETWEEN 1.5 AND 3, 3 IN (1, 2.5, 3)",
      ['true', 'true', 'true', 'true', 'true'],
    ],
    ["SELECT TIMESTAMP '2024-01-01 00:00' = DATE '2024-01-01', NULL = 1, 'a' < 'b'", ['true', 'NULL', 'true']],
    ["SELECT DATE '2024-01-01' = DATE '2024-01-01', x = ARRAY[1] FROM (SELECT ARRAY[1] AS x)", ['true', 'true']],
    [
      "SELECT 1 + 2.5 * 3 - 4 / 2, DATE '2024-01-01' + INTERVAL '1' DAY, TIMESTAMP '2024-01-02 00:00' > TIMESTAMP '2024-01-01 00:00'",
      ['6.5', '2024-01-02', 'true'],
    ],
    // A check DuckDB cannot place (an operand of a grouped expression) leaves the query unchecked, never failing it.
    ['SELECT x + 1 FROM (VALUES 1) AS t (x) GROUP BY x + 1', ['2']],
  ])('runs %s, which Athena accepts', async (sql, expected) => {
    expect((await athena.rows(sql))[0]).toEqual(expected);
  });

  it('reports a syntax error at its line and column, as Athena does', async () => {
    await expect(athena.value('SELECT 1 +')).rejects.toThrow(/^line 1:11: mismatched input '<EOF>'$/);
  });
});
