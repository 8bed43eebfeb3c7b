/**
 * Works out what Athena would push into each federated table scan of a query: the WHERE conjuncts
 * that compare one of the table's columns with constants, as a Constraints summary. The SQL is
 * parsed by DuckDB itself (`json_serialize_sql`), never by regular expressions, and only what is
 * implied by the WHERE clause is pushed, so the result cannot change (core and DuckDB re-check).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataType, DateUnit, type Field } from 'apache-arrow';

/** A `catalog.schema.table` the query reads, with the alias it goes by. */
export interface TableReference {
  readonly catalog: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly alias: string;
  /**
   * False when the table is referenced more than once (one scan would have to serve different
   * filters) or joined by position (ASOF, POSITIONAL: filtering first changes which rows pair up).
   */
  readonly pushable: boolean;
  /** The SELECT (top level, CTE or subquery) whose FROM clause reads the table. */
  readonly scope: number;
  /**
   * On the NULL-filling side of an outer join: only conjuncts that no all-NULL row satisfies may be
   * pushed (`IS NULL` would turn a match into a NULL-filled row the WHERE clause then keeps).
   */
  readonly nullSupplying?: boolean;
}

/** One `column op constant(s)` conjunct. */
export interface ColumnPredicate {
  /** The SELECT whose WHERE clause holds the conjunct. */
  readonly scope: number;
  /** Index of the conjunct in {@link QueryAnalysis.conjuncts} (absent for dynamic filters). */
  readonly conjunct?: number;
  readonly alias: string | undefined;
  readonly column: string;
  readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'between' | 'is_null' | 'is_not_null';
  readonly values: readonly unknown[];
  /** DuckDB's literal type of each value (absent for values read from a column, e.g. join keys). */
  readonly literals?: readonly string[];
}

/** An inner equi-join `a.x = b.y` between two table aliases. */
export interface JoinEquality {
  readonly scope: number;
  readonly left: { readonly alias: string; readonly column: string };
  readonly right: { readonly alias: string; readonly column: string };
}

/** One AND-conjunct of a WHERE clause, as DuckDB's parser tree. */
export interface WhereConjunct {
  readonly scope: number;
  readonly node: SqlNode;
}

/** A plain `ORDER BY column` item of a SELECT. */
export interface OrderByColumn {
  readonly alias: string | undefined;
  readonly column: string;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** What a SELECT does besides filtering, for deciding whether its LIMIT may reach the table scan. */
export interface SelectShape {
  /** FROM reads exactly one table (no join, no subquery, no table function). */
  readonly singleTable: boolean;
  /** No DISTINCT, GROUP BY, HAVING, QUALIFY, SAMPLE, aggregate or window function. */
  readonly rowPreserving: boolean;
  /** LIMIT + OFFSET when both are non-negative integer constants. */
  readonly limit: bigint | undefined;
  /** The ORDER BY items, or undefined when one is not a plain column of the SELECT's table. */
  readonly orderBy: readonly OrderByColumn[] | undefined;
  /** Names the select list defines as something other than the same-named column (ORDER BY may mean those). */
  readonly computedAliases: ReadonlySet<string>;
}

/** What the parser found in one query. */
export interface QueryAnalysis {
  readonly tables: readonly TableReference[];
  readonly predicates: readonly ColumnPredicate[];
  /** Every WHERE conjunct of every SELECT; predicates point into it. */
  readonly conjuncts: readonly WhereConjunct[];
  /** Per SELECT scope: its shape, for LIMIT and top-N pushdown. */
  readonly selects: readonly SelectShape[];
  /** Equalities of INNER JOIN conditions, the candidates for dynamic filtering. */
  readonly joins: readonly JoinEquality[];
  /** Catalogs named in `catalog.schema.table` references that are not registered, lower-cased. */
  readonly unknownCatalogs: readonly string[];
}

/** A node of the tree `json_serialize_sql` returns. */
export type SqlNode = { readonly [key: string]: unknown };
type Node = SqlNode;
export const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const comparisons: Readonly<Record<string, ColumnPredicate['op']>> = {
  COMPARE_EQUAL: 'eq',
  COMPARE_NOTEQUAL: 'ne',
  COMPARE_LESSTHAN: 'lt',
  COMPARE_LESSTHANOREQUALTO: 'le',
  COMPARE_GREATERTHAN: 'gt',
  COMPARE_GREATERTHANOREQUALTO: 'ge',
};
const flipped: Readonly<Record<string, ColumnPredicate['op']>> = {
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
  eq: 'eq',
  ne: 'ne',
};

const integerLiterals = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];

/**
 * A constant's value and DuckDB literal type, seen through the casts that keep it exact: typed
 * literals (`DATE '2024-01-01'`), integer widening and no-op casts. Other casts round or reinterpret
 * (`CAST(2.7 AS INTEGER)` is 3), so they make the node not a constant here; undefined also for NULL.
 */
export function constantValue(node: unknown): { value: unknown; literal: string } | undefined {
  if (!isNode(node)) return undefined;
  if (node['class'] === 'CAST') {
    const inner = constantValue(node['child']);
    const target = isNode(node['cast_type']) ? String(node['cast_type']['id']) : '';
    if (inner === undefined || node['try_cast'] === true) return undefined;
    if (inner.literal === target) return inner;
    if (target === 'DATE' && inner.literal === 'VARCHAR') return { value: inner.value, literal: target };
    const from = integerLiterals.indexOf(inner.literal);
    const to = integerLiterals.indexOf(target);
    return from >= 0 && to >= from ? { value: inner.value, literal: target } : undefined;
  }
  if (node['class'] !== 'CONSTANT') return undefined;
  const value = node['value'];
  if (!isNode(value)) return undefined;
  if (value['is_null'] === true) return undefined;
  const type = isNode(value['type']) ? value['type'] : {};
  const literal = String(type['id']);
  const info = isNode(type['type_info']) ? type['type_info'] : {};
  // The tree went through JSON.parse: an integer (or a decimal's unscaled integer) past 2^53 is no
  // longer exact, and wide ones arrive as {upper, lower} halves that lost digits the same way.
  const raw = value['value'];
  if (typeof raw === 'object' && raw !== null) return undefined;
  if (
    (integerLiterals.includes(literal) || literal === 'DECIMAL') &&
    typeof raw === 'number' &&
    !Number.isSafeInteger(raw)
  )
    return undefined;
  if (literal === 'DECIMAL' && typeof info['scale'] === 'number') {
    const unscaled = BigInt(String(value['value']));
    const scale = info['scale'];
    const sign = unscaled < 0n ? '-' : '';
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    return {
      value: scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`,
      literal,
    };
  }
  return { value: value['value'], literal };
}

const numericLiterals = [...integerLiterals, 'DECIMAL', 'DOUBLE', 'FLOAT'];

/**
 * Whether a constant of DuckDB literal type `literal` compared with a column of `field`'s type
 * means the same as the constant converted to that type: DuckDB casts a string to a DATE column's
 * type, but compares a VARCHAR column with a DATE as dates, a TIMESTAMPTZ in the session's zone, a
 * number with a string column as numbers and a BIGINT or DECIMAL column with a DOUBLE as doubles —
 * those are left to DuckDB.
 */
export function literalFits(field: Field, literal: string | undefined): boolean {
  if (literal === undefined) return true;
  const type = field.type;
  const isDay = DataType.isDate(type) && type.unit === DateUnit.DAY;
  if (literal === 'DATE') return isDay;
  if (literal === 'VARCHAR') return DataType.isUtf8(type) || isDay;
  if (literal === 'BOOLEAN') return DataType.isBool(type);
  // DuckDB compares a 64-bit integer or a decimal with a DOUBLE as doubles, which can make unequal values equal.
  if (literal === 'DOUBLE' || literal === 'FLOAT')
    return DataType.isFloat(type) || (DataType.isInt(type) && type.bitWidth <= 32);
  if (numericLiterals.includes(literal))
    return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
  return false;
}

/** A column reference: `column` or `alias.column`. */
export function columnOf(node: unknown): { alias: string | undefined; column: string } | undefined {
  if (!isNode(node) || node['class'] !== 'COLUMN_REF' || !Array.isArray(node['column_names'])) return undefined;
  const names = node['column_names'] as string[];
  if (names.length === 1 && names[0] !== undefined) return { alias: undefined, column: names[0] };
  if (names.length === 2 && names[0] !== undefined && names[1] !== undefined)
    return { alias: names[0], column: names[1] };
  return undefined;
}

function predicateOf(node: Node): Omit<ColumnPredicate, 'scope'> | undefined {
  const type = String(node['type']);
  // `WHERE p.active` on its own: the column is true (for a boolean column; others at least not null).
  const bare = columnOf(node);
  if (bare !== undefined) return { ...bare, op: 'eq', values: [true], literals: ['BOOLEAN'] };
  if (node['class'] === 'COMPARISON' && type in comparisons) {
    const op = comparisons[type] as ColumnPredicate['op'];
    const leftColumn = columnOf(node['left']);
    const rightConstant = constantValue(node['right']);
    if (leftColumn !== undefined && rightConstant !== undefined)
      return { ...leftColumn, op, values: [rightConstant.value], literals: [rightConstant.literal] };
    const rightColumn = columnOf(node['right']);
    const leftConstant = constantValue(node['left']);
    if (rightColumn !== undefined && leftConstant !== undefined)
      return { ...rightColumn, op: flipped[op] ?? op, values: [leftConstant.value], literals: [leftConstant.literal] };
    return undefined;
  }
  if (node['class'] === 'BETWEEN') {
    const column = columnOf(node['input']);
    const lower = constantValue(node['lower']);
    const upper = constantValue(node['upper']);
    return column !== undefined && lower !== undefined && upper !== undefined
      ? { ...column, op: 'between', values: [lower.value, upper.value], literals: [lower.literal, upper.literal] }
      : undefined;
  }
  if (node['class'] === 'OPERATOR' && Array.isArray(node['children'])) {
    const [first, ...rest] = node['children'] as unknown[];
    const column = columnOf(first);
    if (column === undefined) return undefined;
    if (type === 'OPERATOR_IS_NULL') return { ...column, op: 'is_null', values: [] };
    if (type === 'OPERATOR_IS_NOT_NULL') return { ...column, op: 'is_not_null', values: [] };
    if (type === 'COMPARE_IN') {
      const values = rest.map(constantValue);
      return values.every((v) => v !== undefined)
        ? { ...column, op: 'in', values: values.map((v) => v?.value), literals: values.map((v) => v?.literal ?? '') }
        : undefined;
    }
  }
  return undefined;
}

/** The AND-conjuncts of a boolean expression (itself when it is not an AND). */
export function conjuncts(node: unknown): Node[] {
  if (!isNode(node)) return [];
  if (node['class'] === 'CONJUNCTION' && node['type'] === 'CONJUNCTION_AND' && Array.isArray(node['children']))
    return (node['children'] as unknown[]).flatMap(conjuncts);
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
    if (left?.alias !== undefined && right?.alias !== undefined)
      out.push({
        scope,
        left: { alias: left.alias, column: left.column },
        right: { alias: right.alias, column: right.column },
      });
  }
}

/** A BASE_TABLE a FROM clause reads, with how its joins treat it. */
interface FromTable {
  readonly node: Node;
  readonly nullSupplying: boolean;
  readonly positional: boolean;
}

/** The BASE_TABLEs a FROM clause reads directly (through joins, not into subqueries). */
function fromTables(node: unknown, out: FromTable[], nullSupplying = false, positional = false): void {
  if (!isNode(node)) return;
  if (node['type'] === 'BASE_TABLE') out.push({ node, nullSupplying, positional });
  else if (node['type'] === 'JOIN') {
    const type = String(node['join_type']);
    const byPosition = positional || node['ref_type'] === 'ASOF' || node['ref_type'] === 'POSITIONAL';
    fromTables(node['left'], out, nullSupplying || type === 'RIGHT' || type === 'FULL' || type === 'OUTER', byPosition);
    fromTables(node['right'], out, nullSupplying || type === 'LEFT' || type === 'FULL' || type === 'OUTER', byPosition);
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

/** Every node of `node`'s tree that satisfies `test`, not descending into subqueries. */
function findNodes(node: unknown, test: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const child of node) findNodes(child, test, out);
    return out;
  }
  if (!isNode(node) || node['class'] === 'SUBQUERY') return out;
  if (test(node)) out.push(node);
  for (const child of Object.values(node)) findNodes(child, test, out);
  return out;
}

let aggregateNames: Promise<Set<string>> | undefined;

/** DuckDB's aggregate function names (a select list using one collapses rows, so its LIMIT is not a scan limit). */
function aggregateFunctions(connection: DuckDBConnection): Promise<Set<string>> {
  aggregateNames ??= connection
    .runAndReadAll("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'")
    .then((reader) => new Set(reader.getRows().map((row) => String(row[0]))));
  return aggregateNames;
}

function nonNegativeInteger(node: unknown): bigint | undefined {
  const constant = constantValue(node);
  if (constant === undefined || !integerLiterals.includes(constant.literal)) return undefined;
  const value = BigInt(String(constant.value));
  return value >= 0n ? value : undefined;
}

/** How one SELECT treats its rows besides WHERE (see {@link SelectShape}). */
function selectShape(select: Node, aggregates: ReadonlySet<string>): SelectShape {
  const from = select['from_table'];
  const singleTable = isNode(from) && from['type'] === 'BASE_TABLE';
  const modifiers = Array.isArray(select['modifiers']) ? (select['modifiers'] as unknown[]).filter(isNode) : [];
  const selectList = Array.isArray(select['select_list']) ? (select['select_list'] as unknown[]) : [];
  const collapses =
    findNodes(
      selectList,
      (n) => n['class'] === 'WINDOW' || (n['class'] === 'FUNCTION' && aggregates.has(String(n['function_name']))),
    ).length > 0;
  const grouped =
    (Array.isArray(select['group_expressions']) && select['group_expressions'].length > 0) ||
    select['aggregate_handling'] === 'FORCE_AGGREGATES';
  const rowPreserving =
    !collapses &&
    !grouped &&
    select['having'] == null &&
    select['qualify'] == null &&
    select['sample'] == null &&
    !modifiers.some((m) => m['type'] === 'DISTINCT_MODIFIER');
  const limitModifier = modifiers.find((m) => m['type'] === 'LIMIT_MODIFIER');
  const limit = limitModifier === undefined ? undefined : nonNegativeInteger(limitModifier['limit']);
  const offset =
    limitModifier === undefined || limitModifier['offset'] == null ? 0n : nonNegativeInteger(limitModifier['offset']);
  const orderModifier = modifiers.find((m) => m['type'] === 'ORDER_MODIFIER');
  const orders =
    orderModifier !== undefined && Array.isArray(orderModifier['orders'])
      ? (orderModifier['orders'] as unknown[]).filter(isNode)
      : [];
  const orderBy: OrderByColumn[] | undefined = [];
  let plainOrder = true;
  for (const order of orders) {
    const column = columnOf(order['expression']);
    if (column === undefined) plainOrder = false;
    else {
      const descending = order['type'] === 'DESCENDING';
      // DuckDB's default is NULLS LAST in both directions, as in Athena.
      orderBy.push({ ...column, descending, nullsFirst: order['null_order'] === 'NULLS FIRST' });
    }
  }
  const computedAliases = new Set<string>();
  for (const item of selectList) {
    if (!isNode(item) || typeof item['alias'] !== 'string' || item['alias'] === '') continue;
    const column = columnOf(item);
    if (column === undefined || column.column.toLowerCase() !== item['alias'].toLowerCase())
      computedAliases.add(item['alias'].toLowerCase());
  }
  return {
    singleTable,
    rowPreserving,
    limit: limit === undefined || offset === undefined ? undefined : limit + offset,
    orderBy: plainOrder ? orderBy : undefined,
    computedAliases,
  };
}

/** Functions whose result depends only on their arguments: a tree of them over constants is a constant. */
const foldableFunctions = new Set([
  '+',
  '-',
  '*',
  'to_years',
  'to_months',
  'to_weeks',
  'to_days',
  'to_hours',
  'to_minutes',
  'to_seconds',
  'trunc',
  'athena_date_shift',
  'athena_time_shift',
]);

function withoutLocations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLocations);
  if (!isNode(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'query_location')
      .map(([key, value]) => [key, withoutLocations(value)]),
  );
}

function isConstantTree(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node['class'] === 'CONSTANT') return true;
  if (node['class'] === 'CAST') return isConstantTree(node['child']);
  if (
    node['class'] !== 'FUNCTION' ||
    !foldableFunctions.has(String(node['function_name'])) ||
    !Array.isArray(node['children'])
  )
    return false;
  return (node['children'] as unknown[]).every(isConstantTree);
}

function constantNode(id: string, value: unknown): Node {
  return {
    class: 'CONSTANT',
    type: 'VALUE_CONSTANT',
    alias: '',
    value: { type: { id, type_info: null }, is_null: false, value },
  };
}

/**
 * `DATE '2024-03-31' - INTERVAL 90 DAY` and other constant arithmetic, evaluated by DuckDB itself
 * and replaced by its value when that is exact: a DATE, a TIMESTAMP at midnight (which compares
 * with a DATE column exactly as that date), an integer or a string. Anything else stays as it is.
 */
async function foldConstants(connection: DuckDBConnection, node: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map((child) => foldConstants(connection, child)));
  if (!isNode(node) || node['class'] === 'SUBQUERY') return node;
  if (isConstantTree(node) && constantValue(node) === undefined) {
    try {
      const template = await connection.runAndReadAll("SELECT json_serialize_sql('SELECT 1 AS v')");
      const statement = withoutLocations(JSON.parse(String(template.getRows()[0]?.[0]))) as {
        statements: { node: { select_list: unknown[] } }[];
      };
      const select = statement.statements[0]?.node;
      if (select === undefined) return node;
      select.select_list = [{ ...(withoutLocations(node) as Node), alias: 'v' }];
      const sql = await connection.runAndReadAll('SELECT json_deserialize_sql($1::JSON)', [JSON.stringify(statement)]);
      const result = await connection.runAndReadAll(
        `SELECT typeof(v), CAST(v AS VARCHAR) FROM (${String(sql.getRows()[0]?.[0])})`,
      );
      const [type, text] = (result.getRows()[0] ?? []).map(String);
      if (type === 'DATE' && text !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(text)) return constantNode('DATE', text);
      const midnight = text === undefined ? null : /^(\d{4}-\d{2}-\d{2}) 00:00:00$/.exec(text);
      if (type === 'TIMESTAMP' && midnight?.[1] !== undefined) return constantNode('DATE', midnight[1]);
      if (type !== undefined && integerLiterals.includes(type) && Number.isSafeInteger(Number(text)))
        return constantNode(type, Number(text));
      if (type === 'VARCHAR') return constantNode(type, text);
    } catch {
      // Not evaluable here (an overflow, say): DuckDB reports it when it runs the query.
    }
    return node;
  }
  const entries = await Promise.all(
    Object.entries(node).map(async ([key, value]) => [key, await foldConstants(connection, value)] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * Parses `sql` with DuckDB and finds the federated tables and, per SELECT (top level, CTE or
 * subquery), the WHERE conjuncts that could narrow the tables its FROM clause reads and what its
 * LIMIT and ORDER BY do.
 */
export async function analyzeQuery(
  connection: DuckDBConnection,
  sql: string,
  catalogs: ReadonlySet<string>,
): Promise<QueryAnalysis> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
  const tree = JSON.parse(String(reader.getRows()[0]?.[0])) as {
    error?: boolean;
    error_message?: string;
    statements?: { node: Node }[];
  };
  if (tree.error === true) throw new Error(`The SQL does not parse: ${tree.error_message ?? 'unknown error'}`);
  const statements = tree.statements ?? [];
  if (statements.length !== 1 || statements[0] === undefined) throw new Error('Run one SELECT statement at a time');
  const selects: Node[] = [];
  selectNodes(statements[0].node, selects);
  const aggregates = await aggregateFunctions(connection);
  const found: (FromTable & { scope: number })[] = [];
  const predicates: ColumnPredicate[] = [];
  const whereConjuncts: WhereConjunct[] = [];
  const joins: JoinEquality[] = [];
  // Folded first, so `col >= DATE 'x' - INTERVAL 90 DAY` becomes a comparison with a constant.
  for (const select of selects)
    (select as { where_clause?: unknown })['where_clause'] = await foldConstants(connection, select['where_clause']);
  selects.forEach((select, scope) => {
    const direct: FromTable[] = [];
    fromTables(select['from_table'], direct);
    for (const table of direct) found.push({ ...table, scope });
    for (const conjunct of conjuncts(select['where_clause'])) {
      const index = whereConjuncts.push({ scope, node: conjunct as Node }) - 1;
      const predicate = predicateOf(conjunct);
      if (predicate !== undefined) predicates.push({ ...predicate, scope, conjunct: index });
    }
    collectJoins(select['from_table'], scope, joins);
  });
  const federated = found.filter(
    (t) => typeof t.node['catalog_name'] === 'string' && catalogs.has(String(t.node['catalog_name'])),
  );
  const named = found.map((t) => t.node['catalog_name']).filter((c): c is string => typeof c === 'string' && c !== '');
  const unknownCatalogs = [...new Set(named.map((c) => c.toLowerCase()).filter((c) => !catalogs.has(c)))];
  const counts = new Map<string, number>();
  for (const t of federated) {
    const key = `${String(t.node['catalog_name'])}.${String(t.node['schema_name'])}.${String(t.node['table_name'])}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const tables = federated.map(({ node, scope, nullSupplying, positional }) => {
    const catalog = String(node['catalog_name']);
    const schemaName = String(node['schema_name']);
    const tableName = String(node['table_name']);
    const alias = typeof node['alias'] === 'string' && node['alias'] !== '' ? node['alias'] : tableName;
    return {
      catalog,
      schemaName,
      tableName,
      alias,
      scope,
      nullSupplying,
      pushable: !positional && counts.get(`${catalog}.${schemaName}.${tableName}`) === 1,
    };
  });
  return {
    tables,
    predicates,
    conjuncts: whereConjuncts,
    selects: selects.map((s) => selectShape(s, aggregates)),
    joins,
    unknownCatalogs,
  };
}
