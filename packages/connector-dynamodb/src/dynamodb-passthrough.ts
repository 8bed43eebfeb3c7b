/**
 * The PartiQL query passthrough, `system.query(query => '<PartiQL SELECT>')`: the statement check
 * (one SELECT, so never a write), the schema sampled from the statement's first items, and the
 * re-check of a PartiQL split at ReadRecords. Core has checked `enable_query_passthrough` and the
 * arguments before any of these run; reading the split's pages is dynamodb-read.ts's.
 */
import {
  ConnectorError,
  type ConnectorContext,
  type SplitPage,
  type TableDefinition,
} from '@athena-federation/connector-core';
import { Schema } from 'apache-arrow';
import { ExecuteStatementCommand, callDynamoDb, dynamoDbPacing } from './dynamodb-client.js';
import type { DynamoDbState } from './dynamodb-catalog.js';
import { refuseSplit } from './dynamodb-split-checks.js';
import { encodeSplit, type PartiqlSplit } from './dynamodb-splits.js';
import { fieldOf, recordShapes, type Shape } from './dynamodb-types.js';

/** `system.query(query => '<PartiQL SELECT>')`, Java's passthrough signature. */
export const PARTIQL_PASSTHROUGH = { schema: 'system', name: 'query', arguments: ['query'] } as const;

/**
 * The index where `;` ends the statement outside string literals, quoted identifiers and
 * comments, or -1. DynamoDB runs one statement per call; this keeps a second one out even so.
 */
function statementEnd(statement: string): number {
  for (let i = 0; i < statement.length; i++) {
    const char = statement[i];
    if (char === "'" || char === '"') {
      // A doubled quote inside a literal or identifier is the quote itself.
      for (i++; i < statement.length; i++) if (statement[i] === char && statement[++i] !== char) break;
      i--;
    } else if (char === '-' && statement[i + 1] === '-') {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end;
    } else if (char === '/' && statement[i + 1] === '*') {
      const end = statement.indexOf('*/', i + 2);
      i = end === -1 ? statement.length : end + 1;
    } else if (char === ';') {
      return i;
    }
  }
  return -1;
}

/**
 * The PartiQL statement of passthrough arguments (keyed by lower-case name, as core hands them over):
 * one SELECT, which is all DynamoDB PartiQL reads with. A trailing `;` is allowed and left out of
 * what runs, as ExecuteStatement takes a statement, not a script.
 */
export function passthroughStatement(args: Readonly<Record<string, string>>): string {
  // Core has checked the call and keyed its arguments by lower-case name.
  const statement = (Object.hasOwn(args, 'query') ? args['query'] : '')?.trim() ?? '';
  if (!/^select\b/i.test(statement))
    throw new ConnectorError('InvalidInput', 'Query passthrough accepts only a PartiQL SELECT statement');
  const end = statementEnd(statement);
  if (end === -1) return statement;
  if (statement.slice(end + 1).trim() !== '')
    throw new ConnectorError('InvalidInput', 'Query passthrough accepts a single PartiQL SELECT statement');
  return statement.slice(0, end).trimEnd();
}

/**
 * The statement a PartiQL split may run: only where GetSplits would have made the split — a
 * passthrough request (core has refused one when `enable_query_passthrough` is false) — and only the
 * request's own passthrough statement (a single SELECT), which the split must repeat. The checked
 * statement is what runs, never the split's own text.
 */
export function checkPartiqlSplit(split: PartiqlSplit, args: Readonly<Record<string, string>>): string {
  if (Object.keys(args).length === 0) refuseSplit("a PartiQL split needs the request's query passthrough arguments");
  const statement = passthroughStatement(args);
  if (passthroughStatement({ query: split.statement }) !== statement)
    refuseSplit("its PartiQL statement is not the request's passthrough statement");
  return statement;
}

/** Core calls this (through GetSplits) for a passthrough query: one split that runs the statement to its last page. */
export function passthroughSplits(args: Readonly<Record<string, string>>): SplitPage {
  return { splits: [encodeSplit({ kind: 'partiql', statement: passthroughStatement(args) })], continuationToken: null };
}

/**
 * Core calls this for GetTable of a passthrough query: the statement's schema. PartiQL has no
 * dry run, so it is inferred from the statement's first items (up to
 * `schema_inference_sample_items`), as Java does (it takes 4).
 */
export async function passthroughSchema(
  state: DynamoDbState,
  ctx: ConnectorContext,
  args: Readonly<Record<string, string>>,
): Promise<TableDefinition> {
  const statement = passthroughStatement(args);
  const sampleItems = state.config.sampleItems;
  const pacing = dynamoDbPacing(ctx, () => true);
  const shapes = new Map<string, Shape | undefined>();
  let items = 0;
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await callDynamoDb(
      state.dynamo,
      'sampling the passthrough PartiQL statement',
      (c) =>
        c.send(
          new ExecuteStatementCommand({
            Statement: statement,
            Limit: sampleItems - items,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          { abortSignal: ctx.signal },
        ),
      pacing,
    );
    for (const item of page.Items ?? []) {
      recordShapes(shapes, item);
      items++;
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && items < sampleItems);
  return { schema: new Schema([...shapes.keys()].sort().map((name) => fieldOf(name, shapes.get(name)))) };
}
