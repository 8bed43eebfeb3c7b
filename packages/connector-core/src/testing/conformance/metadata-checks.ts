/**
 * The suite's checks of everything before a read: Ping, schema and table names, ListTables paging,
 * the types GetTable answers with, and the errors Athena shows users for a missing table or a
 * malformed request.
 */
import { LambdaInvocationError } from '../../engine/engine-driver.js';
import { createLambdaHandler } from '../../handler/lambda-handler.js';
import { type SuiteContext, assert } from './suite-context.js';

/** Ping answers with serde V6, capabilities 24 and the connector's source type. */
export async function checkPing(suite: SuiteContext): Promise<string> {
  const response = await suite.driver().ping();
  assert(response.capabilities === 24, `Ping capabilities ${response.capabilities}, expected 24`);
  assert(response.serDeVersion === 6, `Ping serDeVersion ${response.serDeVersion}, expected 6`);
  assert(
    response.sourceType === suite.connector.sourceType,
    `Ping sourceType ${response.sourceType}, expected ${suite.connector.sourceType}`,
  );
  return `serde V6, capabilities 24, sourceType ${response.sourceType}`;
}

/** Schema and table names are lower-case, as Athena's identifiers are. */
export async function checkLowerCaseNames(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  const schemas = await d.listSchemas();
  assert(schemas.length > 0, 'ListSchemas returned no schema');
  let tables = 0;
  for (const schema of schemas) {
    assert(schema === schema.toLowerCase(), `schema name ${schema} is not lower-case`);
    for (const table of await d.listTables(schema, 2)) {
      assert(
        table.tableName === table.tableName.toLowerCase(),
        `table name ${table.tableName} in ${schema} is not lower-case`,
      );
      tables++;
    }
  }
  return `${schemas.length} schemas, ${tables} tables`;
}

/**
 * ListTables in pages of 1, 2 and 3 (bigger pages for big schemas) lists the same tables as one
 * unpaged call, none twice, no page over its size: Athena lists tables page by page, and a wrong
 * token drops or repeats tables without any error.
 */
export async function checkTablePaging(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  const schemas = (await d.listSchemas()).slice(0, 5);
  const names = (tables: readonly { schemaName: string; tableName: string }[]) =>
    tables.map((t) => `${t.schemaName}.${t.tableName}`);
  let calls = 0;
  for (const schema of schemas) {
    const all = names(await d.listTables(schema));
    assert(new Set(all).size === all.length, `ListTables of ${schema} (unpaged) lists a table twice`);
    const sizes = all.length <= 60 ? [1, 2, 3] : [Math.ceil(all.length / 20)];
    for (const size of sizes) {
      const pages = await d.listTablePages(schema, size);
      calls += pages.length;
      const oversized = pages.findIndex((page) => page.length > size);
      assert(
        oversized === -1,
        `ListTables of ${schema} with pageSize ${size}: page ${oversized + 1} holds ${pages[oversized]?.length} tables`,
      );
      const paged = names(pages.flat());
      assert(new Set(paged).size === paged.length, `ListTables of ${schema} in pages of ${size} lists a table twice`);
      const missing = all.filter((t) => !paged.includes(t));
      const extra = paged.filter((t) => !all.includes(t));
      assert(
        missing.length === 0 && extra.length === 0,
        `ListTables of ${schema} in pages of ${size} differs from one unpaged call: ${missing.length} tables missing (${missing.slice(0, 3).join(', ')}), ${extra.length} extra`,
      );
    }
  }
  return `${schemas.length} schemas, ${calls} pages`;
}

/** GetTable answers for up to 50 tables of every schema, each with columns. */
export async function checkSupportedTypes(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  let count = 0;
  for (const schema of await d.listSchemas()) {
    for (const table of (await d.listTables(schema)).slice(0, 50)) {
      const response = await d.getTable(table);
      assert(response.schema.fields.length > 0, `${schema}.${table.tableName} has no columns`);
      count++;
    }
  }
  return `${count} tables described`;
}

/** A missing table is an EntityNotFoundException naming it; a malformed request an InvalidInputException. */
export async function checkClearErrors(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  await d.ping();
  const missing = { schemaName: suite.options.table.schemaName, tableName: 'no_such_table_for_conformance' };
  const error = await d.getTable(missing).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert(error instanceof LambdaInvocationError, 'GetTable of a missing table did not fail');
  const failure = error.error;
  assert(
    failure.errorType === 'com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException',
    `a missing table failed as ${failure.errorType}`,
  );
  assert(
    /EntityNotFoundException/.test(failure.errorMessage) && failure.errorMessage.includes(missing.tableName),
    `a missing table's error does not say EntityNotFoundException and name the table: ${failure.errorMessage}`,
  );
  const handler = createLambdaHandler(suite.connector, { ...suite.options.handler, config: suite.config });
  const malformed = await handler({ '@type': 'GetTableRequest', identity: null }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert(
    malformed instanceof Error &&
      malformed.name === 'com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException',
    'a malformed request did not fail with AthenaConnectorException',
  );
  assert(
    /InvalidInputException.*queryId/.test(malformed.message),
    `a malformed request's error does not name InvalidInputException and the missing queryId: ${malformed.message}`,
  );
  return 'missing table and malformed request answered with named errors';
}
