/**
 * The suite's checks of what a connector advertises in GetDataSourceCapabilities: ORDER BY … LIMIT,
 * V4 expressions and query passthrough. Athena pushes whatever is advertised, so each check sends
 * what Athena would and compares the answer with the unpushed one ordered, filtered or given by the
 * fixture; a check whose capability is not advertised is skipped with that reason.
 */
import type { Field } from 'apache-arrow';
import { createValueComparator } from '../../constraints/value-compare.js';
import { makeConstraints } from '../../engine/engine-driver.js';
import {
  PROBED_FUNCTIONS,
  type ProbeRow,
  expressionProbes,
  expressionVerdict,
  probeColumns,
  topNProbes,
  topNVerdict,
} from '../pushdown-probes.js';
import { compareSplits } from './read-checks.js';
import { CheckSkipped, type SuiteContext, assert, assertNone, rowsOf } from './suite-context.js';

/**
 * Each ORDER BY direction and null placement on the filter column with LIMIT 3: every split returns
 * Athena's top 3 of its own rows (ties in any order), no more — a connector that advertises top-N
 * but returns whole splits, or the first rows unsorted, fails.
 */
export async function checkTopN(suite: SuiteContext): Promise<string> {
  if (!(await suite.advertised()).topN)
    throw new CheckSkipped('the connector does not advertise supports_top_n_pushdown');
  const { field } = await suite.filterColumn();
  const failures: string[] = [];
  let largest = 0;
  let splits = 0;
  const probes = topNProbes(field);
  for (const probe of probes) {
    const constraints = makeConstraints({ orderByClause: probe.orderByClause, limit: BigInt(probe.limit) });
    const result = await compareSplits(suite, constraints, (unpushed, pushed) =>
      topNVerdict(probe, suite.definition.schema, unpushed, pushed),
    );
    failures.push(...result.failures);
    largest = Math.max(largest, result.largest);
    splits = result.splits;
  }
  assertNone(failures);
  assert(largest > 3, 'no split holds more than 3 rows, so a top 3 shows nothing; use a table with more rows');
  return `${probes.length} orderings on ${field.name}, LIMIT 3, ${splits} splits`;
}

/**
 * Expressions over the advertised functions only (comparisons, IS NULL, AND/OR/NOT, LIKE; see
 * `expressionProbes`), each sent alone with a whole scan: the answer must be exactly the rows
 * Athena keeps from the unpushed scan, since core does not evaluate expressions itself.
 */
export async function checkExpressions(suite: SuiteContext): Promise<string> {
  const { functions } = await suite.advertised();
  if (functions.size === 0)
    throw new CheckSkipped('the connector does not advertise supports_complex_expression_pushdown');
  const { scan, rows } = await suite.unpushed();
  const { field } = await suite.filterColumn();
  const probes = expressionProbes(probeColumns(scan.schema.fields, rows, field), functions);
  const unprobed = [...functions].filter((f) => !probes.some((p) => p.functions.includes(f)));
  if (probes.length === 0)
    throw new CheckSkipped(
      `it advertises ${[...functions].join(', ')}; the suite generates only ${PROBED_FUNCTIONS.join(', ')}, and needs a text column for $like_pattern`,
    );
  const failures: string[] = [];
  for (const probe of probes) {
    const result = await suite.driver().scan(suite.options.table, { constraints: { expression: [probe.expression] } });
    const verdict = expressionVerdict(probe, scan.schema, rows, rowsOf(result.table.batches));
    if (verdict !== undefined) failures.push(verdict);
  }
  assertNone(failures);
  return `${probes.length} expressions${unprobed.length === 0 ? '' : `; advertised but not probed: ${unprobed.join(', ')}`}`;
}

/** Whether two rows agree in every column, each compared by its type. */
function sameRow(fields: readonly Field[], expected: Readonly<Record<string, unknown>>, actual: ProbeRow): boolean {
  return fields.every((field, i) => createValueComparator(field.type).equals(expected[field.name] ?? null, actual[i]));
}

/**
 * The fixture's passthrough call, sent as Athena sends `system.query(…)` (GetTable, layout, splits
 * and reads all carrying the arguments), returns exactly the fixture's rows.
 */
export async function checkQueryPassthrough(suite: SuiteContext): Promise<string> {
  const { passthrough } = await suite.advertised();
  if (passthrough === undefined) throw new CheckSkipped('the connector does not advertise query passthrough');
  const call = `${passthrough.schema}.${passthrough.name}(${passthrough.arguments.join(', ')})`;
  const fixture = suite.options.passthrough;
  assert(
    fixture !== undefined,
    `the connector advertises ${call}: give the suite a passthrough call and its rows (passthrough: { arguments, rows }), or skip 'query passthrough' with the reason`,
  );
  const args: Record<string, string> = {
    schemaFunctionName: `${passthrough.schema}.${passthrough.name}`.toUpperCase(),
  };
  for (const [name, value] of Object.entries(fixture.arguments)) args[name.toUpperCase()] = value;
  const result = await suite
    .driver()
    .scan(
      { schemaName: passthrough.schema, tableName: passthrough.name },
      { constraints: { queryPassthroughArguments: args } },
    );
  const fields = result.schema.fields;
  const names = fields.map((f) => f.name).sort();
  const strange = fixture.rows.find((row) => JSON.stringify(Object.keys(row).sort()) !== JSON.stringify(names));
  assert(
    strange === undefined,
    `the passthrough answer has columns ${names.join(', ')}; a fixture row has ${Object.keys(strange ?? {})
      .sort()
      .join(', ')}`,
  );
  const unmatched = [...rowsOf(result.table.batches)];
  let missing = 0;
  for (const expected of fixture.rows) {
    const index = unmatched.findIndex((actual) => sameRow(fields, expected, actual));
    if (index === -1) missing++;
    else unmatched.splice(index, 1);
  }
  assert(
    missing === 0 && unmatched.length === 0,
    `${call} returned rows other than the fixture's: ${missing} of its ${fixture.rows.length} rows missing, ${unmatched.length} rows not in it`,
  );
  return `${call}: ${fixture.rows.length} rows as expected`;
}
