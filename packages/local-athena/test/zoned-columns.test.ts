// A connector's timestamp-with-time-zone column (Arrow Timestamp(MILLISECOND, tz), each value
// packed with its own zone) keeps every value's zone through the load, the query and the printing.
// Expected answers are Trino's: the printed values and zones of the datetime page's at_timezone and
// with_timezone examples (https://trino.io/docs/current/functions/datetime.html), comparisons by
// instant, and date_add on the value's zone calendar (Trino's timestamptz DateAdd adds the unit with
// the value's zone chronology, while `+ INTERVAL` adds to the instant: TimestampWithTimeZoneOperators).
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Field, Int32, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import { createReferenceConnector } from '@athena-federation/connector-core/testing';
import { LocalAthena, TimestampWithZoneValue, athenaTextInZone, formatRows, type QueryResult } from '../src/index.js';

/** 2021-08-22 13:00 UTC, the instant of the datetime page's at_timezone example. */
const example = Date.UTC(2021, 7, 22, 13, 0);
/** 2021-03-13 12:00 in Los Angeles (PST, UTC-8): a day before the spring DST change. */
const beforeDst = Date.UTC(2021, 2, 13, 20, 0);

const rows = [
  { id: 1, happened: { epochMillis: example, zone: 'America/Los_Angeles' }, zone: 'America/Los_Angeles' },
  { id: 2, happened: { epochMillis: example, zone: 'Europe/Berlin' }, zone: 'Europe/Berlin' },
  { id: 3, happened: { epochMillis: example, zone: '+05:30' }, zone: '+05:30' },
  { id: 4, happened: { epochMillis: example, zone: 'UTC' }, zone: 'UTC' },
  { id: 5, happened: { epochMillis: beforeDst, zone: 'America/Los_Angeles' }, zone: 'Asia/Tokyo' },
  { id: 6, happened: null, zone: null },
];
const events = {
  tableName: { schemaName: 'log', tableName: 'events' },
  schema: new Schema([
    new Field('id', new Int32(), false),
    new Field('happened', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true),
    new Field('zone', new Utf8(), true),
  ]),
  rowCount: rows.length,
  row: (i: number) => rows[i] ?? {},
  splitsPerPartition: 2,
};
const connector = createReferenceConnector({ tables: [events] });
const bucket = 'local-athena-spill';
const s3 = new S3Client({ forcePathStyle: true });

let athena: LocalAthena;
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  athena = await LocalAthena.create({
    catalogs: {
      ops: {
        kind: 'handler',
        handler: createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket: bucket } }),
      },
    },
  });
});
afterAll(async () => {
  await athena.close();
  s3.destroy();
});

const printed = (result: QueryResult) =>
  result.rows.map((row) => row.map((value, i) => athenaTextInZone(value, result.columnZones[i])));
const run = async (sql: string) => printed(await athena.query(sql));

describe("a connector's timestamp with time zone column", () => {
  it('prints each value in its own zone, as Athena prints a timestamp with time zone', async () => {
    const result = await athena.query('SELECT id, happened FROM ops.log.events ORDER BY id');
    expect(result.columns).toEqual(['id', 'happened']);
    expect(printed(result).map((row) => row[1])).toEqual([
      // at_timezone(TIMESTAMP '2021-08-22 13:00 UTC', 'America/Los_Angeles') on the datetime page.
      '2021-08-22 06:00:00.000 America/Los_Angeles',
      '2021-08-22 15:00:00.000 Europe/Berlin',
      '2021-08-22 18:30:00.000 +05:30',
      '2021-08-22 13:00:00.000 UTC',
      '2021-03-13 12:00:00.000 America/Los_Angeles',
      'NULL',
    ]);
    const [value] = result.rows[0]?.slice(1) ?? [];
    expect(value).toBeInstanceOf(TimestampWithZoneValue);
    expect(formatRows(result.columns, result.rows.slice(0, 1), 'csv', result.columnZones)).toBe(
      'id,happened\n1,2021-08-22 06:00:00.000 America/Los_Angeles',
    );
  });

  it('keeps the zones through SELECT *, with no extra column', async () => {
    const result = await athena.query('SELECT * FROM ops.log.events WHERE id = 2');
    expect(result.columns).toEqual(['id', 'happened', 'zone']);
    expect(printed(result)).toEqual([['2', '2021-08-22 15:00:00.000 Europe/Berlin', 'Europe/Berlin']]);
  });

  it('keeps the zones through CTEs and FROM subqueries, also for zones the SQL states there', async () => {
    const cte =
      "WITH x AS (SELECT id, happened AS h, at_timezone(happened, 'Asia/Tokyo') AS tokyo FROM ops.log.events WHERE id = 1) SELECT h, hour(h), tokyo, hour(tokyo) FROM x";
    expect(await run(cte)).toEqual([
      ['2021-08-22 06:00:00.000 America/Los_Angeles', '6', '2021-08-22 22:00:00.000 Asia/Tokyo', '22'],
    ]);
    const star = await athena.query('SELECT * FROM (SELECT id, happened FROM ops.log.events WHERE id = 3) AS y');
    expect(star.columns).toEqual(['id', 'happened']);
    expect(printed(star)).toEqual([['3', '2021-08-22 18:30:00.000 +05:30']]);
  });

  it('compares, groups and orders by instant: equal instants in different zones are equal', async () => {
    expect(await run("SELECT count(*) FROM ops.log.events WHERE happened = TIMESTAMP '2021-08-22 13:00 UTC'")).toEqual([
      ['4'],
    ]);
    expect(
      await run("SELECT count(*) FROM ops.log.events WHERE happened = TIMESTAMP '2021-08-22 15:00 Europe/Berlin'"),
    ).toEqual([['4']]);
    const grouped = await run(
      'SELECT happened, count(*) AS n FROM ops.log.events WHERE happened IS NOT NULL GROUP BY happened ORDER BY happened',
    );
    expect(grouped.map((row) => row[1])).toEqual(['1', '4']);
    // A group's value shows one of its values' zones, as Athena does.
    expect(grouped[1]?.[0]).toMatch(/^2021-08-22 \d\d:\d\d:00\.000 /);
  });

  it('max and min keep the zone of the value they pick (aggregate.html#max)', async () => {
    const sql = 'SELECT max(happened), min(happened), hour(max(happened)) FROM ops.log.events WHERE id IN (2, 5)';
    expect(await run(sql)).toEqual([
      ['2021-08-22 15:00:00.000 Europe/Berlin', '2021-03-13 12:00:00.000 America/Los_Angeles', '15'],
    ]);
    const grouped =
      "SELECT zone = 'Asia/Tokyo', max(happened) FROM ops.log.events WHERE id IN (1, 5) GROUP BY 1 ORDER BY 1";
    expect(await run(grouped)).toEqual([
      ['false', '2021-08-22 06:00:00.000 America/Los_Angeles'],
      ['true', '2021-03-13 12:00:00.000 America/Los_Angeles'],
    ]);
  });

  it("reads local fields in each value's zone", async () => {
    const sql =
      "SELECT id, hour(happened), minute(happened), day_of_week(happened), date(happened), date_format(happened, '%H:%i'), CAST(happened AS varchar), to_iso8601(happened), EXTRACT(HOUR FROM happened) FROM ops.log.events WHERE id <= 3 ORDER BY id";
    expect(await run(sql)).toEqual([
      [
        '1',
        '6',
        '0',
        '7',
        '2021-08-22',
        '06:00',
        '2021-08-22 06:00:00.000 America/Los_Angeles',
        '2021-08-22T06:00:00.000-07:00',
        '6',
      ],
      [
        '2',
        '15',
        '0',
        '7',
        '2021-08-22',
        '15:00',
        '2021-08-22 15:00:00.000 Europe/Berlin',
        '2021-08-22T15:00:00.000+02:00',
        '15',
      ],
      [
        '3',
        '18',
        '30',
        '7',
        '2021-08-22',
        '18:30',
        '2021-08-22 18:30:00.000 +05:30',
        '2021-08-22T18:30:00.000+05:30',
        '18',
      ],
    ]);
  });

  it("date_add of days adds them on the value's calendar; + INTERVAL adds them to the instant", async () => {
    // 2021-03-14 is the spring DST change in Los Angeles: a calendar day there is 23 hours long.
    const [row] = await run(
      "SELECT date_add('day', 1, happened), happened + INTERVAL '1' DAY, date_add('hour', 24, happened), date_add('month', 1, happened) FROM ops.log.events WHERE id = 5",
    );
    expect(row).toEqual([
      '2021-03-14 12:00:00.000 America/Los_Angeles',
      '2021-03-14 13:00:00.000 America/Los_Angeles',
      '2021-03-14 13:00:00.000 America/Los_Angeles',
      '2021-04-13 12:00:00.000 America/Los_Angeles',
    ]);
  });

  it('at_timezone and with_timezone with a zone column keep the zone of each row', async () => {
    // at_timezone: the same instant shown in the row's zone; with_timezone: the local time taken in it
    // (the datetime page: with_timezone(TIMESTAMP '2021-08-22 13:00', 'America/Los_Angeles') is 2021-08-22 13:00:00.000 America/Los_Angeles).
    const result = await run(
      "SELECT at_timezone(TIMESTAMP '2021-08-22 13:00 UTC', zone), with_timezone(TIMESTAMP '2021-08-22 13:00', zone), hour(at_timezone(happened, zone)) FROM ops.log.events WHERE id IN (1, 3, 5) ORDER BY id",
    );
    expect(result).toEqual([
      ['2021-08-22 06:00:00.000 America/Los_Angeles', '2021-08-22 13:00:00.000 America/Los_Angeles', '6'],
      ['2021-08-22 18:30:00.000 +05:30', '2021-08-22 13:00:00.000 +05:30', '18'],
      ['2021-08-22 22:00:00.000 Asia/Tokyo', '2021-08-22 13:00:00.000 Asia/Tokyo', '5'],
    ]);
  });
});
