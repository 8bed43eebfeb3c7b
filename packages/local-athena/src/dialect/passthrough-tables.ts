/**
 * `TABLE(system.query(…))`: the connectors' passthrough as tables the DuckDB SQL reads by name,
 * each opened by the engine through the connector with the table function's arguments.
 */
import type { ParseTree } from 'antlr4ng';
import type { TableFunctionInvocationContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { AthenaSqlError, type SqlPosition, UnsupportedSqlError } from './errors.js';
import { stringValue } from './zone-translator.js';

/** A `TABLE(system.query(…))` of the query, read through the connector's passthrough. */
export interface PassthroughTable {
  readonly catalog: string;
  /** The name the DuckDB SQL reads it by: `catalog.system."query$n"`. */
  readonly schemaName: string;
  readonly tableName: string;
  /** The table function's arguments, names upper-cased as Athena sends them (`QUERY`). */
  readonly arguments: Readonly<Record<string, string>>;
}

/** The passthrough tables of one query, shared by its translations: each table function node is one table. */
export class PassthroughTables {
  readonly tables: PassthroughTable[] = [];
  readonly #byNode = new Map<ParseTree, PassthroughTable>();

  /**
   * `TABLE(system.query(query => '…'))` as the name of a table whose rows come from the
   * connector's passthrough; the same node gives the same table in every translation.
   */
  tableSql(
    ctx: TableFunctionInvocationContext,
    defaultCatalog: string | undefined,
    position: (node: ParseTree) => SqlPosition,
  ): string {
    const call = ctx.tableFunctionCall();
    const parts = call
      .functionName()
      .getText()
      .split('.')
      .map((p) => p.replace(/^"|"$/g, '').toLowerCase());
    const [catalog, schema, name] = parts.length === 3 ? parts : [defaultCatalog, ...parts];
    if (schema !== 'system' || name !== 'query')
      throw new UnsupportedSqlError(
        `table function ${parts.join('.')} is not supported by local-athena (only system.query, the connectors' passthrough)`,
        position(ctx),
      );
    if (catalog === undefined)
      throw new AthenaSqlError(
        `TABLE(system.query(…)) needs its catalog here: write TABLE(<catalog>.system.query(query => '…'))`,
        position(ctx),
      );
    const args: Record<string, string> = {};
    call.tableFunctionArgument().forEach((argument, i) => {
      const expression = argument.expression();
      const text = expression?.getText() ?? '';
      if (expression === null || !/^'(?:[^']|'')*'$/.test(text))
        throw new AthenaSqlError(`system.query takes string arguments, e.g. query => 'SELECT …'`, position(argument));
      const key = argument.identifier()?.getText().replace(/^"|"$/g, '') ?? (i === 0 ? 'query' : `arg${i}`);
      args[key.toUpperCase()] = stringValue(text);
    });
    if (args['QUERY'] === undefined) throw new AthenaSqlError(`system.query needs query => '…'`, position(ctx));
    let table = this.#byNode.get(ctx);
    if (table === undefined) {
      table = {
        catalog,
        schemaName: 'system',
        tableName: `query$${this.tables.length + 1}`,
        arguments: { schemaFunctionName: 'SYSTEM.QUERY', ...args },
      };
      this.tables.push(table);
      this.#byNode.set(ctx, table);
    }
    return `${catalog}.system."${table.tableName}"`;
  }
}
