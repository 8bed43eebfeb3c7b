/**
 * The conformance suite as plain functions: one {@link ConformanceRun} per connector sets up once and
 * runs checks by name, each ending as pass, fail or skip with its detail. `describeConnector` puts it
 * under vitest; {@link runConformance} runs it anywhere, which is how core's tests prove each check
 * fails a deliberately broken connector.
 */
import {
  checkClearErrors,
  checkLowerCaseNames,
  checkPing,
  checkSupportedTypes,
  checkTablePaging,
} from './metadata-checks.js';
import { checkExpressions, checkQueryPassthrough, checkTopN } from './pushdown-checks.js';
import {
  checkConstraints,
  checkLimit,
  checkResponseSize,
  checkRowCount,
  checkSpillEqualsInline,
  checkSplitRoundTrip,
} from './read-checks.js';
import { CheckSkipped, SuiteContext } from './suite-context.js';
import {
  type ConformanceCheck,
  ConformanceChecks,
  type ConformanceResult,
  type ConnectorSuiteOptions,
} from './suite-options.js';

const checks: Readonly<Record<ConformanceCheck, (suite: SuiteContext) => Promise<string>>> = {
  ping: checkPing,
  'lower-case names': checkLowerCaseNames,
  'table paging': checkTablePaging,
  'supported types': checkSupportedTypes,
  'row count': checkRowCount,
  'split properties round-trip': checkSplitRoundTrip,
  constraints: checkConstraints,
  limit: checkLimit,
  'top-n': checkTopN,
  expressions: checkExpressions,
  'query passthrough': checkQueryPassthrough,
  'spill equals inline': checkSpillEqualsInline,
  'response size': checkResponseSize,
  'clear errors': checkClearErrors,
};

/** One connector's run of the suite: set up once, then any checks in any order. */
export class ConformanceRun {
  readonly #suite: SuiteContext;

  constructor(options: ConnectorSuiteOptions) {
    this.#suite = new SuiteContext(options);
  }

  /** Makes the connector and describes the table; throws when the options cannot work (see `filterColumn`). */
  setup(): Promise<void> {
    return this.#suite.setup();
  }

  /** Runs one check; never throws (a failure is a result). A check named in `skip` is skipped with its reason. */
  async run(check: ConformanceCheck): Promise<ConformanceResult> {
    const reason = this.#suite.options.skip?.[check];
    if (reason !== undefined) return { check, status: 'skip', detail: reason };
    try {
      return { check, status: 'pass', detail: await checks[check](this.#suite) };
    } catch (error) {
      if (error instanceof CheckSkipped) return { check, status: 'skip', detail: error.message };
      return { check, status: 'fail', detail: error instanceof Error ? error.message : String(error), error };
    }
  }
}

/**
 * Runs the suite (or the named checks) outside a test runner. A failed setup fails every check with
 * its message.
 */
export async function runConformance(
  options: ConnectorSuiteOptions,
  only: readonly ConformanceCheck[] = ConformanceChecks,
): Promise<ConformanceResult[]> {
  const run = new ConformanceRun(options);
  try {
    await run.setup();
  } catch (error) {
    const detail = `setup failed: ${error instanceof Error ? error.message : String(error)}`;
    return only.map((check) => ({ check, status: 'fail', detail, error }));
  }
  const results: ConformanceResult[] = [];
  for (const check of only) results.push(await run.run(check));
  return results;
}
