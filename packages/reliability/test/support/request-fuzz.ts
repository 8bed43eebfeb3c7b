/**
 * The request fuzz run, shared by the per-connector test files: a connector's Lambda handler, over
 * its real source and moto S3, gets 10,000 generated and mutated requests. Every one must end in a
 * decodable answer holding only true rows, or a clear Lambda error (Java exception class, source
 * error code, short message, no secret), within the time limit; the heap must not grow with the
 * request count; no log line may carry the canary secret or a planted PHI value; and the injection
 * corpus must leave the source untouched.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FederationRequest, FederatedIdentity } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport, makeConstraints } from '@athena-federation/connector-core/testing';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { checkError, checkResponse } from './fuzz-check.js';
import { createCaseBuilder, recipeArbitrary, vectorRequests, type Json } from './request-corpus.js';
import type { Target } from './targets.js';

/** Requests per connector per run (FUZZ_RUNS overrides, e.g. for a longer soak). */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
/** The fixed seed of every run; FUZZ_SEED reproduces another. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);
/** Lambda time the handler is told it has left; it aborts its own work 10 s before that runs out. */
const REMAINING_MS = 20_000;
/** No invocation may take longer: past the handler's own deadline, with room for its clean answer. */
const TIME_LIMIT_MS = 15_000;
/** Requests between heap samples. */
const HEAP_SAMPLE_EVERY = 1000;
/** Heap growth (MiB) allowed from the first sample to the last, with garbage collected. */
const HEAP_GROWTH_LIMIT_MIB = 32;

const gc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const identity: FederatedIdentity = {
  id: 'UNKNOWN',
  principal: 'UNKNOWN',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/reliability',
  tags: {},
  groups: [],
  configOptions: {},
};
/** The real requests of one query on the target's table, as Athena would send them. */
async function validRequests(target: Target): Promise<{ name: string; request: FederationRequest }[]> {
  const driver = new EngineDriver({
    transport: inProcessTransport(target.handler),
    catalogName: 'reliability',
    identity,
  });
  await driver.ping();
  const table = await driver.getTable(target.table);
  const constraints = makeConstraints();
  const partitions = await driver.getTableLayout(table, constraints);
  const splits = await driver.getSplits(table, partitions, constraints);
  const common = { identity, queryId: driver.queryId, catalogName: 'reliability' };
  const read = (i: number): FederationRequest => {
    const split = splits[i % splits.length];
    if (split === undefined) throw new Error(`${target.name}: GetSplits returned no split`);
    return {
      '@type': 'ReadRecordsRequest',
      ...common,
      tableName: table.tableName,
      schema: table.schema,
      split,
      constraints,
      maxBlockSize: 16_000_000,
      maxInlineBlockSize: 5_242_880,
    };
  };
  return [
    { name: 'PingRequest', request: { '@type': 'PingRequest', ...common } },
    { name: 'ListSchemasRequest', request: { '@type': 'ListSchemasRequest', ...common } },
    {
      name: 'ListTablesRequest',
      request: {
        '@type': 'ListTablesRequest',
        ...common,
        schemaName: target.table.schemaName,
        nextToken: null,
        pageSize: -1,
      },
    },
    {
      name: 'GetTableRequest',
      request: { '@type': 'GetTableRequest', ...common, tableName: target.table, queryPassthroughArguments: {} },
    },
    {
      name: 'GetTableLayoutRequest',
      request: {
        '@type': 'GetTableLayoutRequest',
        ...common,
        tableName: table.tableName,
        constraints,
        schema: table.schema,
        partitionColumns: table.partitionColumns,
      },
    },
    {
      name: 'GetSplitsRequest',
      request: {
        '@type': 'GetSplitsRequest',
        ...common,
        tableName: table.tableName,
        partitions,
        partitionColumns: table.partitionColumns,
        constraints,
        continuationToken: null,
      },
    },
    { name: 'GetDataSourceCapabilitiesRequest', request: { '@type': 'GetDataSourceCapabilitiesRequest', ...common } },
    { name: 'ReadRecordsRequest#0', request: read(0) },
    { name: 'ReadRecordsRequest#1', request: read(1) },
    { name: 'ReadRecordsRequest#2', request: read(2) },
  ];
}

/** The handler did not answer within {@link TIME_LIMIT_MS}: a hang, which fails the run. */
class NoAnswerError extends Error {}

async function invoke(target: Target, event: Json | string): Promise<{ result?: unknown; error?: unknown }> {
  const deadline = Date.now() + REMAINING_MS;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(`no answer within ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS);
  });
  try {
    const result = await Promise.race([
      target.handler(event as object, { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: 'fuzz' }),
      hang,
    ]);
    return { result };
  } catch (error) {
    if (error instanceof NoAnswerError) throw error;
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

async function fuzz(target: Target) {
  const valid = await validRequests(target);
  const build = createCaseBuilder(valid, vectorRequests());
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const unclear: string[] = [];
  // Clear messages classified as internal although the request was at fault: listed in the README for the plugin owners.
  const internal = new Set<string>();
  /** Heap in MiB after every HEAP_SAMPLE_EVERY requests, garbage collected. */
  const heap: number[] = [];
  let runs = 0;
  let rowsChecked = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(recipeArbitrary(valid.length, valid.length + 20), async (recipe) => {
      const fuzzCase = build(recipe);
      const label = `${target.name} seed ${SEED} case ${runs}: ${fuzzCase.label}`;
      const { result, error } = await invoke(target, fuzzCase.event);
      if (error === undefined) {
        const response = checkResponse(fuzzCase.event, result, label);
        count(`ok ${response['@type']}`);
        if (response['@type'] === 'ReadRecordsResponse') rowsChecked += response.records.records.numRows;
      } else {
        if (fuzzCase.mustSucceed)
          throw new Error(
            `${label}: a valid request failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        const code = checkError(error, label);
        // "Failed unexpectedly" is the handler admitting it does not know what went wrong: collected, reported with its case, and failed at the end.
        if (/The connector failed unexpectedly/.test((error as Error).message)) unclear.push(label);
        else if (code === 'InternalServiceException')
          internal.add((error as Error).message.replace(/"[^"]*"/g, '"…"').slice(0, 200));
        count(code);
      }
      if (++runs % HEAP_SAMPLE_EVERY === 0) {
        gc();
        heap.push(Math.round(process.memoryUsage().heapUsed / 1024 / 1024));
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  // Growth from the first sample (caches filled, pools open) to the last: a leak grows with the request count.
  const growth = (heap.at(-1) ?? 0) - (heap[0] ?? 0);
  return {
    runs,
    counts: Object.fromEntries([...counts].sort()),
    rowsChecked,
    heapMiB: heap,
    growthMiB: growth,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    unclear,
    internal: [...internal],
  };
}

/** Declares the fuzz test of one connector; `start` builds its target. */
export function describeRequestFuzz(start: () => Promise<Target>): void {
  let started: Target | undefined;
  afterAll(async () => {
    await started?.stop();
  });

  it(`answers ${RUNS} fuzzed requests well-formed or with a clear error, in time, without leaking or growing`, {
    timeout: 240_000,
  }, async () => {
    const target = await start();
    started = target;
    const checksum = async () => (await target.checksum?.()) ?? 'no SQL source';
    const before = await checksum();
    const report = await fuzz(target);
    // The figures of the README's reliability table.
    console.info(
      `[reliability] request fuzz ${target.name}: ${JSON.stringify({ ...report, unclear: report.unclear.length })}`,
    );
    expect(
      report.unclear.slice(0, 10),
      `${report.unclear.length} requests failed as unclassified internal errors (seed ${SEED})`,
    ).toEqual([]);
    expect(report.runs).toBe(RUNS);
    expect(report.growthMiB).toBeLessThan(HEAP_GROWTH_LIMIT_MIB);
    expect(target.logs.leaks).toEqual([]);
    expect(target.logs.count).toBeGreaterThanOrEqual(RUNS);
    // The injection corpus went through names and constraints; the source must be as it was.
    expect(await checksum()).toBe(before);
  });
}
