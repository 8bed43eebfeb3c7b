/**
 * What every check of the suite shares: the connector behind core's handler, drivers that play
 * Athena against it, and the answers several checks compare with (the table read whole without
 * pushdown, each split read alone, the advertised capabilities), each fetched once. Checks throw
 * {@link ConformanceFailure} or {@link CheckSkipped}; nothing here needs vitest.
 */
import { DataType, type Field, type RecordBatch, type Table } from 'apache-arrow';
import { readRows } from '../../arrow/block-reader.js';
import type { Connector } from '../../connector.js';
import { EngineDriver, type ScanResult, inProcessTransport, makeConstraints } from '../../engine/engine-driver.js';
import { ensureBucket } from '../../engine/ensure-bucket.js';
import { type HandlerConfig, loadHandlerConfig } from '../../handler/handler-config.js';
import { createLambdaHandler } from '../../handler/lambda-handler.js';
import type { GetTableResponse, Split } from '../../protocol/types.js';
import {
  type AdvertisedPushdowns,
  type ProbeRow,
  advertisedPushdowns,
  middleValue,
  probeColumnProblem,
  rowKey,
} from '../pushdown-probes.js';
import { type ConnectorSuiteOptions, FILTER_COLUMN_TYPES } from './suite-options.js';

/** A check's failure: what Athena would get wrong, in words. */
export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** A check that does not apply to this connector (it advertises nothing to check), with the reason. */
export class CheckSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}

/** Fails the check listing its first complaints unless there are none. */
export function assertNone(failures: readonly string[]): void {
  const shown = failures.slice(0, 4).join('; ');
  assert(failures.length === 0, failures.length > 4 ? `${shown}; and ${failures.length - 4} more` : shown);
}

/** Fails the check with `message` unless `condition` holds. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Every row of some batches, in schema order. */
export function rowsOf(batches: readonly RecordBatch[]): ProbeRow[] {
  return batches.flatMap((b) => readRows(b));
}

/** A plain, order-independent form of a scan's rows, for comparing two scans. */
export function tableRows(table: Table): string[] {
  return rowsOf(table.batches).map(rowKey).sort();
}

/** The column the filtering checks use, with its values in the unpushed scan. */
export interface FilterColumn {
  readonly field: Field;
  readonly index: number;
  readonly values: readonly unknown[];
  /** The middle of its distinct values: the constant every comparison uses. */
  readonly pick: unknown;
}

/**
 * Why a float column cannot be the filter column: core's re-check keeps NaN above every number (as
 * Java does) where Athena's comparisons are false, a superset the suite's exact answer would count.
 */
function floatProblem(values: readonly unknown[]): string | undefined {
  if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) return 'holds NaN';
  return undefined;
}

/** The shared state of one run of the suite against one connector. */
export class SuiteContext {
  readonly options: ConnectorSuiteOptions;
  #connector: Connector | undefined;
  #config: HandlerConfig | undefined;
  #definition: GetTableResponse | undefined;
  #unpushed: Promise<{ scan: ScanResult; rows: ProbeRow[] }> | undefined;
  #advertised: Promise<AdvertisedPushdowns> | undefined;
  #filterColumn: Promise<FilterColumn> | undefined;
  readonly #splitRows = new Map<string, Promise<ProbeRow[]>>();

  constructor(options: ConnectorSuiteOptions) {
    this.options = options;
  }

  /**
   * Makes the connector, creates the spill bucket and describes the table; refuses a `filterColumn`
   * the table lacks or whose type the suite cannot filter on.
   */
  async setup(): Promise<void> {
    const bucket = this.options.spillBucket ?? 'conformance-spill';
    this.#connector = await this.options.make();
    this.#config = this.options.handler?.config ?? { ...loadHandlerConfig({}), spillBucket: bucket };
    await ensureBucket(bucket);
    const { schemaName, tableName } = this.options.table;
    const driver = this.driver();
    await driver.ping();
    this.#definition = await driver.getTable(this.options.table);
    const name = this.options.filterColumn;
    if (name === undefined) return;
    const field = this.#definition.schema.fields.find((f) => f.name === name);
    if (field === undefined)
      throw new Error(
        `filterColumn ${name} is not a column of ${schemaName}.${tableName} (its columns: ${this.#definition.schema.fields.map((f) => f.name).join(', ')})`,
      );
    const problem = probeColumnProblem(field);
    if (problem !== undefined)
      throw new Error(
        `filterColumn ${name} is ${String(field.type)}, which the suite cannot filter on (${problem}); filterColumn takes ${FILTER_COLUMN_TYPES}`,
      );
  }

  get connector(): Connector {
    if (this.#connector === undefined) throw new Error('The conformance suite has not been set up');
    return this.#connector;
  }

  get config(): HandlerConfig {
    if (this.#config === undefined) throw new Error('The conformance suite has not been set up');
    return this.#config;
  }

  /** The table's GetTable answer. */
  get definition(): GetTableResponse {
    if (this.#definition === undefined) throw new Error('The conformance suite has not been set up');
    return this.#definition;
  }

  /** A fresh engine driver (its own trace) on the connector behind core's handler. */
  driver(sizes: { maxBlockSize?: number; maxInlineBlockSize?: number } = {}): EngineDriver {
    const handler = createLambdaHandler(this.connector, { ...this.options.handler, config: this.config });
    return new EngineDriver({ transport: inProcessTransport(handler), catalogName: 'conformance', ...sizes });
  }

  /** The table read whole without any pushdown: the answer the others are compared with. */
  unpushed(): Promise<{ scan: ScanResult; rows: ProbeRow[] }> {
    this.#unpushed ??= this.driver()
      .scan(this.options.table)
      .then((scan) => ({ scan, rows: rowsOf(scan.table.batches) }));
    return this.#unpushed;
  }

  /** One split read alone without pushdown (splits are told apart by their properties). */
  splitRows(driver: EngineDriver, split: Split): Promise<ProbeRow[]> {
    const key = JSON.stringify(Object.entries(split.properties).sort(([a], [b]) => (a < b ? -1 : 1)));
    let rows = this.#splitRows.get(key);
    if (rows === undefined) {
      rows = driver
        .readSplit(this.options.table, this.definition.schema, split, makeConstraints())
        .then(({ batches }) => rowsOf(batches));
      this.#splitRows.set(key, rows);
    }
    return rows;
  }

  /** What GetDataSourceCapabilities advertises. */
  advertised(): Promise<AdvertisedPushdowns> {
    this.#advertised ??= this.driver()
      .getCapabilities()
      .then((capabilities) => advertisedPushdowns(capabilities));
    return this.#advertised;
  }

  /** The filter column (named, or the first filterable one with two distinct values) and its values. */
  filterColumn(): Promise<FilterColumn> {
    this.#filterColumn ??= this.#findFilterColumn();
    return this.#filterColumn;
  }

  async #findFilterColumn(): Promise<FilterColumn> {
    const { scan, rows } = await this.unpushed();
    const fields = scan.schema.fields;
    const valuesOf = (index: number) => rows.map((r) => r[index]);
    const distinct = (values: readonly unknown[]) =>
      new Set(values.filter((v) => v !== null).map((v) => rowKey([v]))).size;
    const named = this.options.filterColumn;
    const index =
      named === undefined
        ? fields.findIndex(
            (f, i) =>
              probeColumnProblem(f) === undefined &&
              (!isFloat(f) || floatProblem(valuesOf(i)) === undefined) &&
              distinct(valuesOf(i)) >= 2,
          )
        : fields.findIndex((f) => f.name === named);
    const field = fields[index];
    const table = `${this.options.table.schemaName}.${this.options.table.tableName}`;
    assert(
      field !== undefined,
      `No column of ${table} can be filtered on (a column of type ${FILTER_COLUMN_TYPES} with two distinct values); set filterColumn`,
    );
    const values = valuesOf(index);
    const problem = isFloat(field) ? floatProblem(values) : undefined;
    assert(
      problem === undefined,
      `filterColumn ${field.name} ${problem ?? ''}, which Athena and Java compare differently; choose another filterColumn`,
    );
    const pick = middleValue(field, values);
    assert(pick !== undefined, `Column ${field.name} of ${table} has no value to filter on`);
    return { field, index, values, pick };
  }
}

function isFloat(field: Field): boolean {
  return DataType.isFloat(field.type);
}
