// Row filtering by a request's constraint summary, the TypeScript side of Java's ConstraintEvaluator:
// connectors that cannot push every predicate down use it to drop rows Athena would discard anyway.
// Value sets are compiled once per request; a row is kept when every constrained column's value is
// in its set. It also trims whole RecordBatches, rebuilding one only when a row actually goes.

import type { RecordBatch, Schema, Vector } from 'apache-arrow';

import { readValue } from '../arrow/block-reader.js';
import { RecordBatchWriter } from '../arrow/block-writer/index.js';
import type { Constraints } from '../protocol/types.js';
import { compileValueSet, type ValueSetMatcher } from './value-set.js';

export { normalizeRanges } from './value-set.js';

/** Decides which rows satisfy a constraint summary. */
export interface ConstraintEvaluator {
  /** True when no constraint can reject a row, so callers may skip evaluation entirely. */
  readonly isNoOp: boolean;
  /**
   * Whether row `row` of `batch` satisfies every constraint. Columns are found in `batch` by name and
   * must have the types of the schema the evaluator was built for.
   *
   * @throws {TypeError} if `batch` lacks a constrained column.
   * @throws {RangeError} if `row` is out of bounds.
   */
  rowMatches(batch: RecordBatch, row: number): boolean;
}

interface ColumnConstraint {
  readonly name: string;
  readonly matcher: ValueSetMatcher;
}

/**
 * Compiles `summary` against `schema`. As in Java, a summary entry for a column that is not in
 * `schema` is ignored (Athena may constrain columns the connector was not asked to return), and a
 * column without an entry is unconstrained. Entries that accept everything are dropped up front.
 *
 * @throws {TypeError | RangeError} for a value set that cannot apply to its column (see `compileValueSet`).
 */
export function createConstraintEvaluator(schema: Schema, summary: Constraints['summary']): ConstraintEvaluator {
  const constraints: ColumnConstraint[] = [];
  for (const field of schema.fields) {
    // hasOwn: a column named "constructor" or "__proto__" must not pick up Object.prototype members.
    const valueSet = Object.hasOwn(summary, field.name) ? summary[field.name] : undefined;
    if (valueSet === undefined) continue;
    const matcher = compileValueSet(valueSet, field);
    if (!matcher.matchesAll) constraints.push({ name: field.name, matcher });
  }
  if (constraints.length === 0) return NO_OP_EVALUATOR;

  const columnsByBatch = new WeakMap<RecordBatch, readonly Vector[]>();
  const columnsOf = (batch: RecordBatch): readonly Vector[] => {
    let columns = columnsByBatch.get(batch);
    if (columns === undefined) {
      const fields = batch.schema.fields;
      columns = constraints.map(({ name }) => {
        const index = fields.findIndex((field) => field.name === name);
        const column = index === -1 ? null : batch.getChildAt(index);
        if (column === null)
          throw new TypeError(
            `The record batch has no column ${JSON.stringify(name)}, which the constraints filter on`,
          );
        return column;
      });
      columnsByBatch.set(batch, columns);
    }
    return columns;
  };

  return {
    isNoOp: false,
    rowMatches(batch, row) {
      const columns = columnsOf(batch);
      for (let index = 0; index < constraints.length; index++) {
        const value = readValue(columns[index] as Vector, row);
        if (!(constraints[index] as ColumnConstraint).matcher.matches(value)) return false;
      }
      return true;
    },
  };
}

const NO_OP_EVALUATOR: ConstraintEvaluator = {
  isNoOp: true,
  rowMatches(batch, row) {
    if (!Number.isInteger(row) || row < 0 || row >= batch.numRows) {
      throw new RangeError(`Row ${row} is out of bounds for a batch of ${batch.numRows} rows`);
    }
    return true;
  },
};

/**
 * The rows of `batch` that `evaluator` keeps, at most `limit` of them (in order). When nothing is
 * removed the same `batch` object comes back; otherwise the surviving rows are read and written
 * into a new batch of the same schema.
 *
 * @param limit - maximum rows to keep; `undefined`, a negative number (Java's `-1` = no limit) or
 *   `Infinity` mean no limit.
 * @throws {RangeError} if `limit` is NaN or a non-integer.
 * @throws {TypeError} as {@link ConstraintEvaluator.rowMatches}.
 */
export function filterRecordBatch(batch: RecordBatch, evaluator: ConstraintEvaluator, limit?: number): RecordBatch {
  if (limit !== undefined && !Number.isInteger(limit) && limit !== Infinity && limit !== -Infinity) {
    throw new RangeError(`limit must be an integer, got ${String(limit)}`);
  }
  const rowCount = batch.numRows;
  const maxRows = limit === undefined || limit < 0 ? rowCount : Math.min(limit, rowCount);
  if (evaluator.isNoOp && maxRows === rowCount) return batch;

  const kept: number[] = [];
  for (let row = 0; row < rowCount && kept.length < maxRows; row++) {
    if (evaluator.isNoOp || evaluator.rowMatches(batch, row)) kept.push(row);
  }
  if (kept.length === rowCount) return batch;

  const columns: Vector[] = [];
  for (let index = 0; index < batch.numCols; index++) {
    const column = batch.getChildAt(index);
    if (column === null) throw new TypeError(`The record batch has no column at index ${index}`);
    columns.push(column);
  }
  const writer = new RecordBatchWriter(batch.schema);
  const values = new Array<unknown>(columns.length);
  for (const row of kept) {
    for (let index = 0; index < columns.length; index++) values[index] = readValue(columns[index] as Vector, row);
    writer.appendRow(values);
  }
  return writer.finish();
}
