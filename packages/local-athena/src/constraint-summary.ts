/**
 * The Constraints summary of one table scan: the predicates pushdown.ts found on the table's
 * columns, as the value set each column's predicates imply (ranges, value lists, null or not).
 * Only what can be said exactly is said; the rest is left to core and DuckDB, which re-check.
 */
import { DataType, type Field, type Schema } from 'apache-arrow';
import {
  type ArrowTypeJson,
  type Block,
  type Marker,
  type ValueSet,
  arrowTypeToJson,
  createValueComparator,
  makeValueBlock,
  readValue,
} from '@athena-federation/connector-core';
import { type ColumnPredicate, type QueryAnalysis, type TableReference, literalFits } from './pushdown.js';

/** A `col1` block of `values` in the column's type; undefined if a value does not fit it exactly (then nothing is pushed). */
function valueBlock(field: Field, values: readonly unknown[]): Block | undefined {
  try {
    return makeValueBlock(field, values);
  } catch {
    return undefined;
  }
}

function orderable(type: DataType): boolean {
  return (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDecimal(type) ||
    DataType.isUtf8(type) ||
    DataType.isDate(type)
  );
}

interface Bound {
  readonly value: unknown;
  readonly inclusive: boolean;
}

/**
 * The value set the predicates on one column imply, or undefined when none can be expressed
 * exactly (core then simply reads everything and DuckDB filters).
 */
export function valueSetFor(field: Field, predicates: readonly ColumnPredicate[]): ValueSet | undefined {
  const type = arrowTypeToJson(field.type) as ArrowTypeJson;
  if (predicates.some((p) => p.op === 'is_null'))
    return { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: true };
  const inList = predicates.find((p) => p.op === 'in' || (p.op === 'eq' && !orderable(field.type)));
  if (inList !== undefined) {
    const block = valueBlock(field, inList.values);
    if (block !== undefined)
      return { '@type': 'EquatableValueSet', valueBlock: block, whiteList: true, nullAllowed: false };
  }
  if (orderable(field.type)) {
    const comparator = createValueComparator(field.type);
    const canonical = (value: unknown): unknown => {
      const block = valueBlock(field, [value]);
      const column = block?.records.getChildAt(0);
      return column === null || column === undefined ? undefined : readValue(column, 0);
    };
    let low: Bound | undefined;
    let high: Bound | undefined;
    let usable = false;
    const tighten = (bound: Bound, side: 'low' | 'high') => {
      const current = side === 'low' ? low : high;
      const c = current === undefined ? (side === 'low' ? 1 : -1) : comparator.compare(bound.value, current.value);
      const better = side === 'low' ? c > 0 || (c === 0 && !bound.inclusive) : c < 0 || (c === 0 && !bound.inclusive);
      if (better) {
        if (side === 'low') low = bound;
        else high = bound;
      }
    };
    for (const p of predicates) {
      const values = p.values.map(canonical);
      if (values.some((v) => v === undefined || v === null)) continue;
      const [a, b] = values;
      if (p.op === 'eq') {
        tighten({ value: a, inclusive: true }, 'low');
        tighten({ value: a, inclusive: true }, 'high');
      } else if (p.op === 'gt' || p.op === 'ge') tighten({ value: a, inclusive: p.op === 'ge' }, 'low');
      else if (p.op === 'lt' || p.op === 'le') tighten({ value: a, inclusive: p.op === 'le' }, 'high');
      else if (p.op === 'between') {
        tighten({ value: a, inclusive: true }, 'low');
        tighten({ value: b, inclusive: true }, 'high');
      } else continue;
      usable = true;
    }
    if (usable) {
      const marker = (bound: Bound | undefined, side: 'low' | 'high'): Marker | undefined => {
        if (bound === undefined) {
          const empty = valueBlock(field, []);
          return empty === undefined
            ? undefined
            : { valueBlock: empty, bound: side === 'low' ? 'ABOVE' : 'BELOW', nullValue: true };
        }
        const block = valueBlock(field, [bound.value]);
        return block === undefined
          ? undefined
          : {
              valueBlock: block,
              bound: bound.inclusive ? 'EXACTLY' : side === 'low' ? 'ABOVE' : 'BELOW',
              nullValue: false,
            };
      };
      const lowMarker = marker(low, 'low');
      const highMarker = marker(high, 'high');
      if (lowMarker !== undefined && highMarker !== undefined) {
        if (low !== undefined && high !== undefined && comparator.compare(low.value, high.value) > 0)
          return { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: false };
        return { '@type': 'SortedRangeSet', type, ranges: [{ low: lowMarker, high: highMarker }], nullAllowed: false };
      }
    }
  }
  const notEqual = predicates.find((p) => p.op === 'ne');
  if (notEqual !== undefined) {
    const block = valueBlock(field, notEqual.values);
    if (block !== undefined)
      return { '@type': 'EquatableValueSet', valueBlock: block, whiteList: false, nullAllowed: false };
  }
  if (predicates.some((p) => p.op === 'is_not_null' || p.op === 'ne' || p.op === 'eq' || p.op === 'in'))
    return { '@type': 'AllOrNoneValueSet', type, all: true, nullAllowed: false };
  return undefined;
}

/** The Constraints summary for one table scan: predicates on its alias (or unqualified, when it is the only table). */
export function summaryFor(table: TableReference, schema: Schema, analysis: QueryAnalysis): Record<string, ValueSet> {
  if (!table.pushable) return {};
  const inScope = analysis.predicates.filter((p) => p.scope === table.scope);
  // An unqualified column belongs to this table only when its SELECT reads no other table.
  const alone = analysis.tables.filter((t) => t.scope === table.scope).length === 1;
  const summary: Record<string, ValueSet> = {};
  for (const field of schema.fields) {
    const mine = inScope.filter(
      (p) =>
        p.column.toLowerCase() === field.name.toLowerCase() &&
        (p.alias === undefined ? alone : p.alias.toLowerCase() === table.alias.toLowerCase()) &&
        (p.literals ?? []).every((l) => literalFits(field, l)) &&
        !(table.nullSupplying === true && p.op === 'is_null'),
    );
    if (mine.length === 0) continue;
    const set = valueSetFor(field, mine);
    if (set !== undefined) summary[field.name] = set;
  }
  return summary;
}
