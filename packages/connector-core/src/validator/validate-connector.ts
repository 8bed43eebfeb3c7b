/**
 * `athena-connector validate`: what the Java SDK's ConnectorValidator does, and more — it walks a
 * connector through everything Athena will ask (ping, capabilities, every schema and table page,
 * schemas, layout, every split page, reads with spill forced, each advertised pushdown) and checks
 * the answers, so a deployment fails here rather than in a user's query.
 */
import { readRows } from '../arrow/block-reader.js';
import { findUnsupportedField } from '../arrow/supported-types.js';
import {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  LambdaInvocationError,
  type Transport,
  makeConstraints,
} from '../engine/engine-driver.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../handler/lambda-limits.js';
import type { RecordBatch } from 'apache-arrow';
import type { Constraints, GetTableResponse, Split, TableName } from '../protocol/types.js';
import {
  type AdvertisedPushdowns,
  type ProbeRow,
  advertisedPushdowns,
  expressionProbes,
  expressionVerdict,
  limitVerdict,
  probeColumns,
  rowKey,
  topNProbes,
  topNVerdict,
} from '../testing/pushdown-probes.js';

/** One check's outcome. */
export interface ValidationCheck {
  readonly name: string;
  readonly status: 'pass' | 'fail';
  readonly durationMs: number;
  readonly detail: string;
}

/** What to validate and how hard. */
export interface ValidateOptions {
  readonly transport: Transport;
  readonly catalogName?: string;
  /** Validate only these tables (default: the first `maxTables` listed). */
  readonly tables?: readonly TableName[];
  readonly maxTables?: number;
  /** How many splits of each table to read: one, a few (3), or all. */
  readonly splits?: 'one' | 'several' | 'all';
  /** Called as each check starts (the CLI shows it as progress: a table's reads can take minutes). */
  readonly onCheckStart?: (name: string) => void;
}

function canonicalRows(batches: readonly RecordBatch[]): string[] {
  return batches
    .flatMap((b) => readRows(b))
    .map(rowKey)
    .sort();
}

/** What a connector advertises, in a line. */
function describeAdvertised(advertised: AdvertisedPushdowns): string {
  const parts = [
    ...(advertised.limit ? ['LIMIT'] : []),
    ...(advertised.topN ? ['ORDER BY … LIMIT'] : []),
    ...(advertised.functions.size > 0 ? [`expressions (${[...advertised.functions].join(', ')})`] : []),
    ...(advertised.passthrough === undefined
      ? []
      : [
          `passthrough ${advertised.passthrough.schema}.${advertised.passthrough.name} (not checked: it needs a query of the source)`,
        ]),
  ];
  return parts.length === 0 ? 'no pushdown advertised' : parts.join('; ');
}

const nothingAdvertised: AdvertisedPushdowns = {
  limit: false,
  topN: false,
  functions: new Set(),
  passthrough: undefined,
};

/** Reads each split with `constraints` and collects `verdict`'s complaints against its unpushed rows. */
async function probeSplits(
  driver: EngineDriver,
  definition: GetTableResponse,
  reads: readonly { split: Split; rows: readonly ProbeRow[] }[],
  constraints: Constraints,
  verdict: (unpushed: readonly ProbeRow[], pushed: readonly ProbeRow[]) => string | undefined,
): Promise<string[]> {
  const complaints: string[] = [];
  for (const [index, { split, rows }] of reads.entries()) {
    const { batches } = await driver.readSplit(definition.tableName, definition.schema, split, constraints);
    const complaint = verdict(
      rows,
      batches.flatMap((b) => readRows(b)),
    );
    if (complaint !== undefined) complaints.push(reads.length === 1 ? complaint : `split ${index + 1}: ${complaint}`);
  }
  return complaints;
}

/** The first complaints, or nothing. */
function complaintsText(complaints: readonly string[]): string {
  return complaints.length > 3
    ? `${complaints.slice(0, 3).join('; ')}; and ${complaints.length - 3} more`
    : complaints.join('; ');
}

/** Runs every check; never throws for a connector failure (it becomes a failed check). */
export async function validateConnector(options: ValidateOptions): Promise<ValidationCheck[]> {
  const checks: ValidationCheck[] = [];
  const catalogName = options.catalogName ?? 'validation';
  const driver = (sizes: { maxBlockSize: number; maxInlineBlockSize: number } = ATHENA_BLOCK_SIZES) =>
    new EngineDriver({ transport: options.transport, catalogName, ...sizes });
  const main = driver();
  const check = async (name: string, body: () => Promise<string>): Promise<boolean> => {
    options.onCheckStart?.(name);
    const started = performance.now();
    try {
      const detail = await body();
      checks.push({ name, status: 'pass', durationMs: performance.now() - started, detail });
      return true;
    } catch (error) {
      checks.push({
        name,
        status: 'fail',
        durationMs: performance.now() - started,
        detail: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  };
  const expect = (condition: boolean, message: string) => {
    if (!condition) throw new Error(message);
  };

  let serDeVersion = 0;
  const alive = await check('ping and serde version', async () => {
    const ping = await main.ping();
    serDeVersion = ping.serDeVersion;
    expect(ping.serDeVersion >= 2 && ping.serDeVersion <= 6, `serDeVersion ${ping.serDeVersion} is not 2–6`);
    expect(ping.capabilities >= 23, `capabilities ${ping.capabilities} is below Athena's minimum (23)`);
    return `sourceType ${ping.sourceType}, serDe V${ping.serDeVersion}, capabilities ${ping.capabilities}`;
  });
  if (!alive) return checks;

  let advertised = nothingAdvertised;
  await check('capabilities', async () => {
    // GetDataSourceCapabilities exists from serde V4; below it Athena pushes nothing down.
    if (serDeVersion < 4) return `serde V${serDeVersion}: no capabilities to ask for`;
    advertised = advertisedPushdowns(await main.getCapabilities());
    return describeAdvertised(advertised);
  });

  let tables: TableName[] = [...(options.tables ?? [])];
  await check('schemas and tables (all pages, lower-case)', async () => {
    const schemas = await main.listSchemas();
    expect(schemas.length > 0, 'ListSchemas returned no schema');
    const upper = schemas.filter((s) => s !== s.toLowerCase());
    expect(upper.length === 0, `schema names must be lower-case for Athena: ${upper.join(', ')}`);
    let count = 0;
    for (const schema of schemas) {
      const all = await main.listTables(schema);
      const paged = await main.listTables(schema, 2);
      expect(
        JSON.stringify(paged) === JSON.stringify(all),
        `ListTables of ${schema} in pages of 2 differs from one unpaged call (${paged.length} vs ${all.length} tables)`,
      );
      const bad = all.filter((t) => t.tableName !== t.tableName.toLowerCase() || t.schemaName !== schema);
      expect(
        bad.length === 0,
        `table names must be lower-case and in their schema: ${bad.map((t) => `${t.schemaName}.${t.tableName}`).join(', ')}`,
      );
      count += all.length;
      if (options.tables === undefined) tables.push(...all);
    }
    return `${schemas.length} schemas, ${count} tables`;
  });
  tables = tables.slice(0, options.maxTables ?? 10);

  for (const table of tables) {
    const name = `${table.schemaName}.${table.tableName}`;
    let splits: Split[] = [];
    let schemaOk = false;
    const definition = await main.getTable(table).catch(() => undefined);
    await check(`${name}: schema`, async () => {
      const response = definition ?? (await main.getTable(table));
      const unsupported = findUnsupportedField(response.schema.fields);
      expect(unsupported === undefined, `column ${unsupported?.path}: ${unsupported?.reason}`);
      schemaOk = true;
      return `${response.schema.fields.length} columns${response.partitionColumns.length > 0 ? `, partitioned by ${response.partitionColumns.join(', ')}` : ''}`;
    });
    if (!schemaOk || definition === undefined) continue;
    await check(`${name}: layout and splits (all pages)`, async () => {
      const constraints = makeConstraints();
      const partitions = await main.getTableLayout(definition, constraints);
      splits = await main.getSplits(definition, partitions, constraints);
      expect(splits.length > 0, 'GetSplits returned no split');
      const noSpill = splits.filter((s) => s.spillLocation === null);
      expect(noSpill.length === 0, `${noSpill.length} splits carry no spill location`);
      return `${partitions.records.numRows} partitions, ${splits.length} splits`;
    });
    if (splits.length === 0) continue;
    const chosen = options.splits === 'all' ? splits : splits.slice(0, options.splits === 'one' ? 1 : 3);
    const reads: { split: Split; rows: ProbeRow[] }[] = [];
    const readOk = await check(
      `${name}: read ${chosen.length} split${chosen.length === 1 ? '' : 's'} inline and with spill forced`,
      async () => {
        const spilling = driver({ maxBlockSize: 64 * 1024, maxInlineBlockSize: 1 });
        let rows = 0;
        let objects = 0;
        for (const split of chosen) {
          const inline = await main.readSplit(table, definition.schema, split, makeConstraints());
          const spilled = await spilling.readSplit(table, definition.schema, split, makeConstraints());
          objects += spilled.spilledObjects;
          const a = canonicalRows(inline.batches);
          expect(
            JSON.stringify(a) === JSON.stringify(canonicalRows(spilled.batches)),
            'rows read through spill differ from rows read inline',
          );
          rows += a.length;
          reads.push({ split, rows: inline.batches.flatMap((b) => readRows(b)) });
        }
        return `${rows} rows, ${objects} spilled objects decrypted and identical to inline`;
      },
    );
    if (!readOk) continue;
    await check(`${name}: limit honoured`, async () => {
      const complaints = await probeSplits(
        main,
        definition,
        reads,
        makeConstraints({ limit: 1n }),
        (unpushed, pushed) => limitVerdict(1, unpushed, pushed),
      );
      expect(complaints.length === 0, complaintsText(complaints));
      return `LIMIT 1 on ${reads.length} split${reads.length === 1 ? '' : 's'}`;
    });
    const columns = probeColumns(
      definition.schema.fields,
      reads.flatMap((r) => r.rows),
    );
    const ordered = columns.ordered;
    if (advertised.topN && ordered !== undefined) {
      await check(`${name}: top-N honoured`, async () => {
        const probes = topNProbes(ordered.field);
        const complaints: string[] = [];
        for (const probe of probes) {
          const constraints = makeConstraints({ orderByClause: probe.orderByClause, limit: BigInt(probe.limit) });
          complaints.push(
            ...(await probeSplits(main, definition, reads, constraints, (unpushed, pushed) =>
              topNVerdict(probe, definition.schema, unpushed, pushed),
            )),
          );
        }
        expect(complaints.length === 0, complaintsText(complaints));
        return `${probes.length} orderings on ${ordered.field.name}, LIMIT 3`;
      });
    }
    const probes = expressionProbes(columns, advertised.functions);
    if (probes.length > 0) {
      await check(`${name}: expressions applied`, async () => {
        const complaints: string[] = [];
        for (const probe of probes) {
          complaints.push(
            ...(await probeSplits(
              main,
              definition,
              reads,
              makeConstraints({ expression: [probe.expression] }),
              (unpushed, pushed) => expressionVerdict(probe, definition.schema, unpushed, pushed),
            )),
          );
        }
        expect(complaints.length === 0, complaintsText(complaints));
        const probed = new Set(probes.flatMap((p) => p.functions));
        const unprobed = [...advertised.functions].filter((f) => !probed.has(f));
        return `${probes.length} expressions over ${[...probed].join(', ')}${unprobed.length === 0 ? '' : `; not probed: ${unprobed.join(', ')}`}`;
      });
    }
  }

  await check('responses under 6 MB', async () => {
    const largest = main.trace.reduce((max, t) => Math.max(max, t.responseBytes), 0);
    expect(
      largest <= LAMBDA_RESPONSE_LIMIT_BYTES,
      `a response of ${largest} bytes exceeds Lambda's ${LAMBDA_RESPONSE_LIMIT_BYTES}-byte limit`,
    );
    return `largest response ${largest} bytes`;
  });
  await check('bad requests get clear errors', async () => {
    const missing = {
      schemaName: tables[0]?.schemaName ?? 'default',
      tableName: 'athena_connector_validate_no_such_table',
    };
    const error = await main.getTable(missing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error instanceof LambdaInvocationError, 'GetTable of a missing table did not fail');
    const failure = (error as LambdaInvocationError).error;
    expect(
      /AthenaConnectorException|FederationThrottleException/.test(failure.errorType),
      `errorType ${failure.errorType} is not a Java class Athena knows`,
    );
    expect(
      failure.errorMessage.includes(missing.tableName),
      `the message does not name the missing table: ${failure.errorMessage}`,
    );
    const malformed = await options.transport({ '@type': 'GetTableRequest' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(malformed instanceof LambdaInvocationError, 'a malformed request did not fail');
    return 'missing table and malformed request both answered with a named error';
  });
  return checks;
}

/** The checks as an aligned pass/fail table. */
export function formatChecks(checks: readonly ValidationCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 5);
  const lines = checks.map(
    (c) =>
      `${c.status === 'pass' ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.durationMs.toFixed(0).padStart(6)} ms  ${c.detail}`,
  );
  const failed = checks.filter((c) => c.status === 'fail').length;
  return [...lines, `${checks.length - failed} passed, ${failed} failed`].join('\n');
}
