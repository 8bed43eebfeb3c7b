/**
 * What a plugin tells the conformance suite: the connector, a table with rows, the few facts about
 * its fixture the suite cannot find out (row count, a passthrough query and its answer), and the
 * checks it opts out of, each with its reason.
 */
import type { Connector } from '../../connector.js';
import type { LambdaHandlerOptions } from '../../handler/lambda-handler.js';
import type { StringMap, TableName } from '../../protocol/types.js';
import { PROBE_COLUMN_TYPES } from '../pushdown-probes.js';

/** The checks of the suite, in the order they run, by the names `skip` uses. */
export const ConformanceChecks = [
  'ping',
  'lower-case names',
  'table paging',
  'supported types',
  'row count',
  'split properties round-trip',
  'constraints',
  'limit',
  'top-n',
  'expressions',
  'query passthrough',
  'spill equals inline',
  'response size',
  'clear errors',
] as const;
/** One check's name. */
export type ConformanceCheck = (typeof ConformanceChecks)[number];

/** The column types `filterColumn` takes, as Athena names them. */
export const FILTER_COLUMN_TYPES = PROBE_COLUMN_TYPES;

/** A query-passthrough call the fixture can answer, and its answer. */
export interface PassthroughFixture {
  /** The function's arguments by name, e.g. `{ query: 'SELECT id FROM t WHERE id < 3' }`. */
  readonly arguments: StringMap;
  /**
   * The rows the call returns, in any order, as objects by column name. Each value is compared by its
   * column's type (a decimal `'1.50'` equals `'1.5'`, an int64 `3` equals `3n`).
   */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** What {@link describeConnector} and {@link runConformance} need. */
export interface ConnectorSuiteOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /** Creates the connector under test (called once per suite, when its checks start). */
  readonly make: () => Connector | Promise<Connector>;
  /** A table with rows, read by the data checks. Read when the checks start, so it may be a getter. */
  readonly table: TableName;
  /**
   * The column the constraint, top-N and expression checks filter and order on. It must be one of
   * {@link FILTER_COLUMN_TYPES}; a float column must hold no NaN and no −0.0 (Athena's and Java's
   * comparisons disagree on them). The suite refuses any other column before its checks run. Default:
   * the first such column with two distinct values.
   */
  readonly filterColumn?: string;
  /** How many rows `table` holds; `row count` checks a full scan returns exactly that many. */
  readonly rowCount?: number;
  /** A passthrough call and its rows, for connectors that offer query passthrough. */
  readonly passthrough?: PassthroughFixture;
  /** Spill bucket to use; created if missing (default `conformance-spill`). S3 comes from the standard AWS environment. */
  readonly spillBucket?: string;
  /** Extra handler options (configuration, spill services). */
  readonly handler?: LambdaHandlerOptions;
  /** Checks this connector cannot pass, each with the reason. */
  readonly skip?: Partial<Record<ConformanceCheck, string>>;
}

/** One check's outcome when the suite runs outside vitest ({@link runConformance}). */
export interface ConformanceResult {
  readonly check: ConformanceCheck;
  readonly status: 'pass' | 'fail' | 'skip';
  /** What was checked, why it was skipped, or what failed. */
  readonly detail: string;
  /** The failure, for its stack. */
  readonly error?: unknown;
}
