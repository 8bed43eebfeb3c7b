/**
 * Works out what Athena would push into each federated table scan of a query: the WHERE conjuncts
 * that compare one of the table's columns with constants, as a Constraints summary. The SQL is
 * parsed by DuckDB itself (`json_serialize_sql`), never by regular expressions, and only what is
 * implied by the WHERE clause is pushed, so the result cannot change (core and DuckDB re-check).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataType, type Field, Schema } from 'apache-arrow';
import { type ArrowTypeJson, type Block, type Marker, type ValueSet, arrowTypeToJson, createValueComparator, makeValueBlock, readValue } from '@athena-federation/connector-core';

/** A `catalog.schema.table` the query reads, with the alias it goes by. */
export interface TableReference {
  readonly catalog: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly alias: string;
  /** False when the table is referenced more than once (one scan would have to serve different filters). */
  readonly pushable: boolean;
  /** The SELECT (top level, CTE or subquery) whose FROM clause reads the table. */
  readonly scope: number;
}

/** One `column op constant(s)` conjunct. */
export interface ColumnPredicate {
  /** The SELECT whose WHERE clause holds the conjunct. */
  readonly scope: number;
  readonly alias: string | undefined;
  readonly column: string;
  readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'between' | 'is_null' | 'is_not_null';
  readonly values: readonly unknown[];
}

/** An inner equi-join `a.x = b.y` between two table aliases. */
export interface JoinEquality {
  readonly scope: number;
  readonly left: { readonly alias: string; readonly column: string };
  readonly right: { readonly alias: string; readonly column: string };
}

/** What the parser found in one query. */
export interface QueryAnalysis {
  readonly tables: readonly TableReference[];
  readonly predicates: readonly ColumnPredicate[];
  /** Equalities of INNER JOIN conditions, the candidates for dynamic filtering. */
  readonly joins: readonly JoinEquality[];
}

type Node = { readonly [key: string]: unknown };
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

const comparisons: Readonly<Record<string, ColumnPredicate['op']>> = {
  COMPARE_EQUAL: 'eq',
  COMPARE_NOTEQUAL: 'ne',
  COMPARE_LESSTHAN: 'lt',
  COMPARE_LESSTHANOREQUALTO: 'le',
  COMPARE_GREATERTHAN: 'gt',
  COMPARE_GREATERTHANOREQUALTO: 'ge',
};
const flipped: Readonly<Record<string, ColumnPredicate['op']>> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq', ne: 'ne' };

/** A constant's value, seen through casts (`DATE '2024-01-01'`); undefined when it is not a constant. */
function constantValue(node: unknown): { value: unknown } | undefined {
  if (!isNode(node)) return undefined;
  if (node['class'] === 'CAST') return constantValue(node['child']);
  if (node['class'] !== 'CONSTANT') return undefined;
  const value = node['value'];
  if (!isNode(value)) return undefined;
  if (value['is_null'] === true) return undefined;
  const type = isNode(value['type']) ? value['type'] : {};
  const info = isNode(type['type_info']) ? type['type_info'] : {};
  if (type['id'] === 'DECIMAL' && typeof info['scale'] === 'number') {
    const unscaled = BigInt(String(value['value']));
    const scale = info['scale'];
    const sign = unscaled < 0n ? '-' : '';
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    return { value: scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` };
  }
  return { value: value['value'] };
}

function columnOf(node: unknown): { alias: string | undefined; column: string } | undefined {
  if (!isNode(node) || node['class'] !== 'COLUMN_REF' || !Array.isArray(node['column_names'])) return undefined;
  const names = node['column_names'] as string[];
  if (names.length === 1 && names[0] !== undefined) return { alias: undefined, column: names[0] };
  if (names.length === 2 && names[0] !== undefined && names[1] !== undefined) return { alias: names[0], column: names[1] };
  return undefined;
}

function predicateOf(node: Node): Omit<ColumnPredicate, 'scope'> | undefined {
  const type = String(node['type']);
  // `WHERE p.active` on its own: the column is true (for a boolean column; others at least not null).
  const bare = columnOf(node);
  if (bare !== undefined) return { ...bare, op: 'eq', values: [true] };
  if (node['class'] === 'COMPARISON' && type in comparisons) {
    const op = comparisons[type] as ColumnPredicate['op'];
    const leftColumn = columnOf(node['left']);
    const rightConstant = constantValue(node['right']);
    if (leftColumn !== undefined && rightConstant !== undefined) return { ...leftColumn, op, values: [rightConstant.value] };
    const rightColumn = columnOf(node['right']);
    const leftConstant = constantValue(node['left']);
    if (rightColumn !== undefined && leftConstant !== undefined) return { ...rightColumn, op: flipped[op] ?? op, values: [leftConstant.value] };
    return undefined;
  }
  if (node['class'] === 'BETWEEN') {
    const column = columnOf(node['input']);
    const lower = constantValue(node['lower']);
    const upper = constantValue(node['upper']);
    return column !== undefined && lower !== undefined && upper !== undefined ? { ...column, op: 'between', values: [lower.value, upper.value] } : undefined;
  }
  if (node['class'] === 'OPERATOR' && Array.isArray(node['children'])) {
    const [first, ...rest] = node['children'] as unknown[];
    const column = columnOf(first);
    if (column === undefined) return undefined;
    if (type === 'OPERATOR_IS_NULL') return { ...column, op: 'is_null', values: [] };
    if (type === 'OPERATOR_IS_NOT_NULL') return { ...column, op: 'is_not_null', values: [] };
    if (type === 'COMPARE_IN') {
      const values = rest.map(constantValue);
      return values.every((v) => v !== undefined) ? { ...column, op: 'in', values: values.map((v) => v?.value) } : undefined;
    }
  }
  return undefined;
}

function conjuncts(node: unknown): Node[] {
  if (!isNode(node)) return [];
  if (node['class'] === 'CONJUNCTION' && node['type'] === 'CONJUNCTION_AND' && Array.isArray(node['children'])) return (node['children'] as unknown[]).flatMap(conjuncts);
  return [node];
}

/** `a.x = b.y` conjuncts of INNER JOIN conditions in the top-level FROM tree. */
function collectJoins(node: unknown, scope: number, out: JoinEquality[]): void {
  if (!isNode(node) || node['type'] !== 'JOIN') return;
  collectJoins(node['left'], scope, out);
  collectJoins(node['right'], scope, out);
  if (node['join_type'] !== 'INNER') return;
  for (const conjunct of conjuncts(node['condition'])) {
    if (conjunct['class'] !== 'COMPARISON' || conjunct['type'] !== 'COMPARE_EQUAL') continue;
    const left = columnOf(conjunct['left']);
    const right = columnOf(conjunct['right']);
    if (left?.alias !== undefined && right?.alias !== undefined) out.push({ scope, left: { alias: left.alias, column: left.column }, right: { alias: right.alias, column: right.column } });
  }
}

/** The BASE_TABLEs a FROM clause reads directly (through joins, not into subqueries). */
function fromTables(node: unknown, out: Node[]): void {
  if (!isNode(node)) return;
  if (node['type'] === 'BASE_TABLE') out.push(node);
  else if (node['type'] === 'JOIN') {
    fromTables(node['left'], out);
    fromTables(node['right'], out);
  }
}

/** Visits every SELECT node of the statement: the top level, CTEs, subqueries, set-operation branches. */
function selectNodes(node: unknown, out: Node[]): void {
  if (Array.isArray(node)) {
    for (const child of node) selectNodes(child, out);
    return;
  }
  if (!isNode(node)) return;
  if (node['type'] === 'SELECT_NODE') out.push(node);
  for (const child of Object.values(node)) selectNodes(child, out);
}

/**
 * Parses `sql` with DuckDB and finds the federated tables and, per SELECT (top level, CTE or
 * subquery), the WHERE conjuncts that could narrow the tables its FROM clause reads.
 */
export async function analyzeQuery(connection: DuckDBConnection, sql: string, catalogs: ReadonlySet<string>): Promise<QueryAnalysis> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
  const tree = JSON.parse(String(reader.getRows()[0]?.[0])) as { error?: boolean; error_message?: string; statements?: { node: Node }[] };
  if (tree.error === true) throw new Error(`The SQL does not parse: ${tree.error_message ?? 'unknown error'}`);
  const statements = tree.statements ?? [];
  if (statements.length !== 1 || statements[0] === undefined) throw new Error('Run one SELECT statement at a time');
  const selects: Node[] = [];
  selectNodes(statements[0].node, selects);
  const found: { node: Node; scope: number }[] = [];
  const predicates: ColumnPredicate[] = [];
  const joins: JoinEquality[] = [];
  selects.forEach((select, scope) => {
    const direct: Node[] = [];
    fromTables(select['from_table'], direct);
    for (const node of direct) found.push({ node, scope });
    for (const conjunct of conjuncts(select['where_clause'])) {
      const predicate = predicateOf(conjunct);
      if (predicate !== undefined) predicates.push({ ...predicate, scope });
    }
    collectJoins(select['from_table'], scope, joins);
  });
  const federated = found.filter((t) => typeof t.node['catalog_name'] === 'string' && catalogs.has(String(t.node['catalog_name'])));
  const counts = new Map<string, number>();
  for (const t of federated) {
    const key = `${String(t.node['catalog_name'])}.${String(t.node['schema_name'])}.${String(t.node['table_name'])}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const tables = federated.map(({ node, scope }) => {
    const catalog = String(node['catalog_name']);
    const schemaName = String(node['schema_name']);
    const tableName = String(node['table_name']);
    const alias = typeof node['alias'] === 'string' && node['alias'] !== '' ? node['alias'] : tableName;
    return { catalog, schemaName, tableName, alias, scope, pushable: counts.get(`${catalog}.${schemaName}.${tableName}`) === 1 };
  });
  return { tables, predicates, joins };
}

/** A `col1` block of `values` in the column's type; undefined if a value does not fit it exactly (then nothing is pushed). */
function valueBlock(field: Field, values: readonly unknown[]): Block | undefined {
  try {
    return makeValueBlock(field, values);
  } catch {
    return undefined;
  }
}

function orderable(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type) || DataType.isUtf8(type) || DataType.isDate(type);
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
  if (predicates.some((p) => p.op === 'is_null')) return { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: true };
  const inList = predicates.find((p) => p.op === 'in' || (p.op === 'eq' && !orderable(field.type)));
  if (inList !== undefined) {
    const block = valueBlock(field, inList.values);
    if (block !== undefined) return { '@type': 'EquatableValueSet', valueBlock: block, whiteList: true, nullAllowed: false };
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
      if (p.op === 'eq') (tighten({ value: a, inclusive: true }, 'low'), tighten({ value: a, inclusive: true }, 'high'));
      else if (p.op === 'gt' || p.op === 'ge') tighten({ value: a, inclusive: p.op === 'ge' }, 'low');
      else if (p.op === 'lt' || p.op === 'le') tighten({ value: a, inclusive: p.op === 'le' }, 'high');
      else if (p.op === 'between') (tighten({ value: a, inclusive: true }, 'low'), tighten({ value: b, inclusive: true }, 'high'));
      else continue;
      usable = true;
    }
    if (usable) {
      const marker = (bound: Bound | undefined, side: 'low' | 'high'): Marker | undefined => {
        if (bound === undefined) {
          const empty = valueBlock(field, []);
          return empty === undefined ? undefined : { valueBlock: empty, bound: side === 'low' ? 'ABOVE' : 'BELOW', nullValue: true };
        }
        const block = valueBlock(field, [bound.value]);
        return block === undefined ? undefined : { valueBlock: block, bound: bound.inclusive ? 'EXACTLY' : side === 'low' ? 'ABOVE' : 'BELOW', nullValue: false };
      };
      const lowMarker = marker(low, 'low');
      const highMarker = marker(high, 'high');
      if (lowMarker !== undefined && highMarker !== undefined) {
        if (low !== undefined && high !== undefined && comparator.compare(low.value, high.value) > 0) return { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: false };
        return { '@type': 'SortedRangeSet', type, ranges: [{ low: lowMarker, high: highMarker }], nullAllowed: false };
      }
    }
  }
  const notEqual = predicates.find((p) => p.op === 'ne');
  if (notEqual !== undefined) {
    const block = valueBlock(field, notEqual.values);
    if (block !== undefined) return { '@type': 'EquatableValueSet', valueBlock: block, whiteList: false, nullAllowed: false };
  }
  if (predicates.some((p) => p.op === 'is_not_null' || p.op === 'ne' || p.op === 'eq' || p.op === 'in')) return { '@type': 'AllOrNoneValueSet', type, all: true, nullAllowed: false };
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
    const mine = inScope.filter((p) => p.column.toLowerCase() === field.name.toLowerCase() && (p.alias === undefined ? alone : p.alias.toLowerCase() === table.alias.toLowerCase()));
    if (mine.length === 0) continue;
    const set = valueSetFor(field, mine);
    if (set !== undefined) summary[field.name] = set;
  }
  return summary;
}
