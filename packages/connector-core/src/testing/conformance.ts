/**
 * The conformance suite every connector runs (core runs it on the reference connector): it drives
 * the connector over the real wire with the engine driver and checks what Athena relies on. A
 * plugin opts out of a check only by naming it with a reason, so gaps stay visible.
 */
import { DataType, type Field, type Table } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { readValue } from '../arrow/block-reader.js';
import { makeValueBlock } from '../arrow/value-block.js';
import { arrowTypeToJson } from '../arrow/arrow-type-json.js';
import type { Connector } from '../connector.js';
import { type LambdaHandlerOptions, createLambdaHandler } from '../handler/lambda-handler.js';
import { type HandlerConfig, loadHandlerConfig } from '../handler/handler-config.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../handler/lambda-limits.js';
import type { Marker, TableName, ValueSet } from '../protocol/types.js';
import { EngineDriver, LambdaInvocationError, inProcessTransport } from '../engine/engine-driver.js';
import { ensureBucket } from '../engine/ensure-bucket.js';
import { compareByCodePoint } from './code-point-order.js';

/** The checks of the suite, by the names `skip` uses. */
export const ConformanceChecks = [
  'ping',
  'lower-case names',
  'supported types',
  'split properties round-trip',
  'constraints',
  'limit',
  'spill equals inline',
  'response size',
  'clear errors',
] as const;
/** One check's name. */
export type ConformanceCheck = (typeof ConformanceChecks)[number];

/** What {@link describeConnector} needs. */
export interface ConnectorSuiteOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Creates the connector under test (called once per suite). */
  readonly make: () => Connector | Promise<Connector>;
  /** A table with some rows, read by the data checks. */
  readonly table: TableName;
  /** Column the constraint checks filter on (default: the first integer, float, string or date column with two distinct values). */
  readonly filterColumn?: string;
  /** Spill bucket to use; created if missing (default `conformance-spill`). S3 comes from the standard AWS environment. */
  readonly spillBucket?: string;
  /** Extra handler options (configuration, spill services). */
  readonly handler?: LambdaHandlerOptions;
  /** Checks this connector cannot pass, each with the reason. */
  readonly skip?: Partial<Record<ConformanceCheck, string>>;
}

/** A plain, order-independent form of a scan's rows, for comparing two scans. */
export function tableRows(table: Table): string[] {
  const rows: string[] = [];
  for (const batch of table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row = batch.schema.fields.map((_, c) => {
        const vector = batch.getChildAt(c);
        return vector === null ? null : readValue(vector, r);
      });
      rows.push(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v.entries()] : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)));
    }
  }
  return rows.sort();
}

function isFilterable(field: Field): boolean {
  return DataType.isInt(field.type) || DataType.isFloat(field.type) || DataType.isUtf8(field.type) || DataType.isDate(field.type);
}

function marker(field: Field, value: unknown, bound: Marker['bound']): Marker {
  return value === undefined ? { valueBlock: makeValueBlock(field, []), bound, nullValue: true } : { valueBlock: makeValueBlock(field, [value]), bound, nullValue: false };
}

/**
 * Plain ordering for the suite's own expectations (numbers, bigints, strings): deliberately not core's
 * comparator. Strings go by code point, as Athena orders varchar, not by JS's UTF-16 `<`.
 */
function before(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a as bigint) < BigInt(b as bigint);
  if (typeof a === 'string' && typeof b === 'string') return compareByCodePoint(a, b) < 0;
  return (a as number) < (b as number);
}

/**
 * Declares the conformance suite for one connector. Call it at the top level of a test file.
 * S3 (for spill) must be reachable through the standard AWS environment, e.g. moto.
 */
export function describeConnector(options: ConnectorSuiteOptions): void {
  const bucket = options.spillBucket ?? 'conformance-spill';
  const check = (name: ConformanceCheck, body: () => Promise<void>) => {
    const reason = options.skip?.[name];
    if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, body);
    else it(name, body, 120_000);
  };

  describe(`${options.name} conformance`, () => {
    let connector: Connector;
    let config: HandlerConfig;
    const driver = (overrides: { maxBlockSize?: number; maxInlineBlockSize?: number } = {}) =>
      new EngineDriver({ transport: inProcessTransport(createLambdaHandler(connector, { ...options.handler, config })), catalogName: 'conformance', ...overrides });

    beforeAll(async () => {
      connector = await options.make();
      config = options.handler?.config ?? { ...loadHandlerConfig({}), spillBucket: bucket };
      await ensureBucket(bucket);
    });

    check('ping', async () => {
      const response = await driver().ping();
      expect(response.capabilities).toBe(24);
      expect(response.serDeVersion).toBe(6);
      expect(response.sourceType).toBe(connector.sourceType);
    });

    check('lower-case names', async () => {
      const d = driver();
      const schemas = await d.listSchemas();
      expect(schemas.length).toBeGreaterThan(0);
      for (const schema of schemas) {
        expect(schema, 'schema name').toBe(schema.toLowerCase());
        for (const table of await d.listTables(schema, 2)) expect(table.tableName, `table name in ${schema}`).toBe(table.tableName.toLowerCase());
      }
    });

    check('supported types', async () => {
      const d = driver();
      for (const schema of await d.listSchemas()) {
        for (const table of (await d.listTables(schema)).slice(0, 50)) {
          const response = await d.getTable(table);
          expect(response.schema.fields.length, `${schema}.${table.tableName} has columns`).toBeGreaterThan(0);
        }
      }
    });

    check('split properties round-trip', async () => {
      const d = driver();
      const result = await d.scan(options.table);
      expect(result.splits).toBeGreaterThan(0);
      const splitTrace = d.trace.filter((t) => t.requestType === 'ReadRecordsRequest');
      expect(splitTrace.length).toBe(result.splits);
      expect(splitTrace.every((t) => t.responseType !== 'error')).toBe(true);
    });

    check('constraints', async () => {
      const full = await driver().scan(options.table);
      const field = options.filterColumn === undefined ? full.schema.fields.find(isFilterable) : full.schema.fields.find((f) => f.name === options.filterColumn);
      if (field === undefined) throw new Error(`No filterable column in ${options.table.schemaName}.${options.table.tableName}; set filterColumn`);
      const column = full.schema.fields.indexOf(field);
      const rows = tableRows(full.table);
      const values = full.table.batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => {
        const v = b.getChildAt(column);
        return v === null ? null : readValue(v, i);
      }));
      const present = values.filter((v) => v !== null);
      expect(present.length, `column ${field.name} has values`).toBeGreaterThan(0);
      const pick = present[Math.floor(present.length / 2)];
      const encoded = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
      const count = (keep: (v: unknown) => boolean) => values.filter(keep).length;
      const type = arrowTypeToJson(field.type);
      const cases: { name: string; set: ValueSet; keep: (v: unknown) => boolean }[] = [
        { name: `${field.name} = pick`, set: { '@type': 'SortedRangeSet', type, ranges: [{ low: marker(field, pick, 'EXACTLY'), high: marker(field, pick, 'EXACTLY') }], nullAllowed: false }, keep: (v) => v !== null && encoded(v) === encoded(pick) },
        { name: `${field.name} > pick`, set: { '@type': 'SortedRangeSet', type, ranges: [{ low: marker(field, pick, 'ABOVE'), high: marker(field, undefined, 'BELOW') }], nullAllowed: false }, keep: (v) => v !== null && before(pick, v) },
        { name: `${field.name} <= pick or null`, set: { '@type': 'SortedRangeSet', type, ranges: [{ low: marker(field, undefined, 'ABOVE'), high: marker(field, pick, 'EXACTLY') }], nullAllowed: true }, keep: (v) => v === null || !before(pick, v) },
        { name: `${field.name} IN (pick)`, set: { '@type': 'EquatableValueSet', valueBlock: makeValueBlock(field, [pick]), whiteList: true, nullAllowed: false }, keep: (v) => v !== null && encoded(v) === encoded(pick) },
        { name: `${field.name} NOT IN (pick)`, set: { '@type': 'EquatableValueSet', valueBlock: makeValueBlock(field, [pick]), whiteList: false, nullAllowed: false }, keep: (v) => v !== null && encoded(v) !== encoded(pick) },
        { name: `${field.name} IS NULL`, set: { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: true }, keep: (v) => v === null },
        { name: `${field.name} IS NOT NULL`, set: { '@type': 'AllOrNoneValueSet', type, all: true, nullAllowed: false }, keep: (v) => v !== null },
      ];
      for (const c of cases) {
        const result = await driver().scan(options.table, { constraints: { summary: { [field.name]: c.set } } });
        expect(result.table.numRows, c.name).toBe(count(c.keep));
        for (const row of tableRows(result.table)) expect(rows).toContain(row);
      }
    });

    check('limit', async () => {
      const result = await driver().scan(options.table, { constraints: { limit: 2n } });
      expect(result.table.numRows).toBeLessThanOrEqual(2 * result.splits);
      const full = await driver().scan(options.table);
      expect(result.table.numRows).toBe(Math.min(full.table.numRows, result.table.numRows));
      expect(result.table.numRows).toBeGreaterThan(0);
    });

    check('spill equals inline', async () => {
      const inline = await driver().scan(options.table);
      const spilled = await driver({ maxBlockSize: 4096, maxInlineBlockSize: 1 }).scan(options.table);
      expect(spilled.spilledObjects).toBeGreaterThan(0);
      expect(tableRows(spilled.table)).toEqual(tableRows(inline.table));
    });

    check('response size', async () => {
      const d = driver();
      await d.scan(options.table);
      for (const entry of d.trace) expect(entry.responseBytes, `${entry.requestType} response`).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
    });

    check('clear errors', async () => {
      const d = driver();
      await d.ping();
      const missing = { schemaName: options.table.schemaName, tableName: 'no_such_table_for_conformance' };
      const error = await d.getTable(missing).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(LambdaInvocationError);
      const failure = (error as LambdaInvocationError).error;
      expect(failure.errorType).toBe('com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException');
      expect(failure.errorMessage).toMatch(/EntityNotFoundException/);
      expect(failure.errorMessage).toContain('no_such_table_for_conformance');
      const handler = createLambdaHandler(connector, { ...options.handler, config });
      const malformed = await handler({ '@type': 'GetTableRequest', identity: null }).then(() => undefined, (e: unknown) => e);
      expect((malformed as Error).name).toBe('com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException');
      expect((malformed as Error).message).toMatch(/InvalidInputException.*queryId/);
    });
  });
}
