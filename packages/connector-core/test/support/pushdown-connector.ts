/**
 * Test support: wraps a connector so it advertises LIMIT, ORDER BY … LIMIT, V4 expression functions
 * and query passthrough (`system.query(query => 'schema.table')` reads that table), and applies them
 * as a source that evaluates them would: summary first, then expressions, order and limit, then
 * `confirmExactPushdown`. `ignore` makes it advertise a pushdown and not apply it, as the broken
 * connectors of the suite's and the validator's tests do.
 */
import { RecordBatch } from 'apache-arrow';
import {
  type Connector,
  ConnectorError,
  DataSourceOptimizations,
  OptimizationSubTypes,
  type TableName,
  buildRecordBatch,
  createConstraintEvaluator,
  filterRecordBatch,
  readRows,
} from '../../src/index.js';
import { PROBED_FUNCTIONS, evaluateExpression } from '../../src/testing/index.js';
import { directedOrder } from '../../src/testing/pushdown-probes.js';

/** What the wrapper advertises and what it leaves undone. */
export interface PushdownOptions {
  /** Expression functions to advertise (default: every function the probes generate). */
  readonly functions?: readonly string[];
  /** Pushdowns advertised but not applied: the split is returned whole, as if they were not there. */
  readonly ignore?: readonly ('top-n' | 'expressions')[];
  /** Confirm exact pushdown even when ignoring one, so core cuts the split at the limit. */
  readonly confirmAnyway?: boolean;
}

const passthroughTable = (args: Readonly<Record<string, string>>): TableName | undefined => {
  // Core hands every call the checked arguments keyed by the signature's lower-case names.
  const query = args['query'];
  if (query === undefined) return undefined;
  const [schemaName, tableName, ...rest] = query.split('.');
  if (schemaName === undefined || tableName === undefined || rest.length > 0)
    throw new ConnectorError('InvalidInput', 'system.query takes schema.table');
  return { schemaName, tableName };
};

/** `inner` with pushdown advertised and (unless ignored) applied. */
export function withPushdown(inner: Connector, options: PushdownOptions = {}): Connector {
  const ignore = new Set(options.ignore ?? []);
  return {
    ...inner,
    capabilities: () => ({
      [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
      [DataSourceOptimizations.topNPushdown]: [{ subType: OptimizationSubTypes.supportsOrderBy, properties: [] }],
      [DataSourceOptimizations.complexExpressionPushdown]: [
        {
          subType: OptimizationSubTypes.supportedFunctionExpressionTypes,
          properties: [...(options.functions ?? PROBED_FUNCTIONS)],
        },
      ],
    }),
    queryPassthrough: { schema: 'system', name: 'query', arguments: ['query'] },
    getQueryPassthroughSchema: (ctx, args) =>
      inner.getTable(ctx, passthroughTable(args) ?? { schemaName: '', tableName: '' }),
    getSplits: (ctx, input) =>
      inner.getSplits(ctx, {
        ...input,
        tableName: passthroughTable(input.constraints.queryPassthroughArguments) ?? input.tableName,
      }),
    async *readSplit(ctx, input) {
      const { constraints, schema } = input;
      const items: RecordBatch[] = [];
      const rowItems: Readonly<Record<string, unknown>>[] = [];
      for await (const item of inner.readSplit(ctx, {
        ...input,
        tableName: passthroughTable(constraints.queryPassthroughArguments) ?? input.tableName,
      })) {
        if (item instanceof RecordBatch) items.push(item);
        else rowItems.push(...(item as readonly Readonly<Record<string, unknown>>[]));
      }
      const whole = buildRecordBatch(schema, [...rowItems, ...items.flatMap((b) => readRows(b))]);
      let rows = readRows(filterRecordBatch(whole, createConstraintEvaluator(schema, constraints.summary)));
      if (!ignore.has('expressions')) {
        const named = (row: readonly unknown[]) => Object.fromEntries(schema.fields.map((f, i) => [f.name, row[i]]));
        rows = rows.filter((row) => constraints.expression.every((e) => evaluateExpression(e, named(row)) === true));
      }
      const [term] = constraints.orderByClause;
      const column = schema.fields.findIndex((f) => f.name === term?.columnName);
      const field = schema.fields[column];
      if (!ignore.has('top-n') && term !== undefined && field !== undefined && constraints.limit >= 0n) {
        const order = directedOrder(field.type, term.direction);
        rows.sort((a, b) => order(a[column], b[column]));
        rows = rows.slice(0, Number(constraints.limit));
      }
      if (ignore.size === 0 || options.confirmAnyway === true) input.confirmExactPushdown();
      if (rows.length > 0) yield buildRecordBatch(schema, rows);
    },
  };
}
