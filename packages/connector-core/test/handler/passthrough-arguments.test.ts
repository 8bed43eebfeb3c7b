/**
 * `checkedPassthroughArguments` against random argument maps: every member of a request is the
 * caller's, so whatever map arrives, core either refuses it with `InvalidInput` / `Unsupported` or
 * hands the plugin exactly one value per signature argument, keyed lower-case. The expected outcome
 * comes from a model written from the rules, not from the function.
 */
import { Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../src/index.js';
import { ConnectorError } from '../../src/index.js';
import { checkedPassthroughArguments } from '../../src/handler/capabilities.js';

const SIGNATURE = { schema: 'system', name: 'query', arguments: ['query', 'max_rows'] } as const;

const connector = (withPassthrough: boolean): Connector => ({
  sourceType: 'test',
  listSchemas: async () => [],
  listTables: async () => ({ tables: [], nextToken: null }),
  getTable: async () => {
    throw new Error('not called');
  },
  getSplits: async () => ({ splits: [], continuationToken: null }),
  readSplit: async function* () {},
  ...(withPassthrough
    ? { queryPassthrough: SIGNATURE, getQueryPassthroughSchema: async () => ({ schema: new Schema([]) }) }
    : {}),
});

type Outcome = { readonly ok: Record<string, string> } | { readonly refused: string };

/** The rules, stated plainly: what the call must do with `args`. */
function model(args: Record<string, string>, hasPassthrough: boolean, enabled: boolean): Outcome {
  const keys = Object.keys(args);
  if (keys.length === 0) return { ok: {} };
  if (!hasPassthrough || !enabled) return { refused: 'Unsupported' };
  if (args['schemaFunctionName']?.toUpperCase() !== 'SYSTEM.QUERY') return { refused: 'InvalidInput' };
  const argumentKeys = keys.filter((k) => k !== 'schemaFunctionName');
  const ok: Record<string, string> = {};
  for (const name of SIGNATURE.arguments) {
    const matching = argumentKeys.filter((k) => k.toUpperCase() === name.toUpperCase());
    if (matching.length !== 1) return { refused: 'InvalidInput' };
    ok[name] = args[matching[0] as string] as string;
  }
  const stray = argumentKeys.some((k) => !SIGNATURE.arguments.some((name) => name.toUpperCase() === k.toUpperCase()));
  return stray ? { refused: 'InvalidInput' } : { ok };
}

function actual(args: Record<string, string>, hasPassthrough: boolean, enabled: boolean): Outcome {
  try {
    return { ok: { ...checkedPassthroughArguments(connector(hasPassthrough), args, enabled, 'ReadRecords') } };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    expect(error.message).toMatch(/^ReadRecords: /);
    return { refused: error.reason };
  }
}

// Keys an attacker or a sloppy client would send: the right names in every case, near misses,
// names whose upper case is a signature name only through Unicode (ſ → S), object-prototype names.
const key = fc.oneof(
  fc.constantFrom('QUERY', 'query', 'Query', 'MAX_ROWS', 'max_rows', 'Max_Rows', 'schemaFunctionName'),
  fc.constantFrom('SCHEMAFUNCTIONNAME', 'QUERY ', 'QUER', 'max-rows', 'quer\u0131y', 'MAX_ROWſ', '__proto__'),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', ''),
  fc.string({ maxLength: 8 }),
);
const functionName = fc.constantFrom('SYSTEM.QUERY', 'system.query', 'SYSTEM.QUERY2', 'SYSTEM', '', 'ſYSTEM.QUERY');
const argumentMap = fc
  .tuple(
    fc.option(functionName, { nil: undefined }),
    fc.array(fc.tuple(key, fc.string({ maxLength: 12 })), { maxLength: 5 }),
  )
  .map(([called, entries]) => {
    // JSON.parse makes `__proto__` an own member, as a request's map would have it.
    const args: Record<string, string> = JSON.parse('{}');
    for (const [k, v] of entries)
      Object.defineProperty(args, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (called !== undefined) args['schemaFunctionName'] = called;
    return args;
  });

describe('checkedPassthroughArguments', () => {
  it('refuses or normalises every random argument map as the rules say', () => {
    fc.assert(
      fc.property(argumentMap, fc.boolean(), fc.boolean(), (args, hasPassthrough, enabled) => {
        expect(actual(args, hasPassthrough, enabled)).toEqual(model(args, hasPassthrough, enabled));
      }),
      { numRuns: 5000 },
    );
  });

  it('names both keys when an argument is given twice in different cases', () => {
    expect(() =>
      checkedPassthroughArguments(
        connector(true),
        { schemaFunctionName: 'SYSTEM.QUERY', QUERY: 'select 1', query: 'select 2', MAX_ROWS: '1' },
        true,
        'GetSplits',
      ),
    ).toThrow(/GetSplits: query passthrough argument QUERY is given twice \("QUERY" and "query"\)/);
  });

  it('takes an argument in any case', () => {
    expect(
      checkedPassthroughArguments(
        connector(true),
        { schemaFunctionName: 'system.query', Query: 'select 1', max_ROWS: '5' },
        true,
        'GetTable',
      ),
    ).toEqual({ query: 'select 1', max_rows: '5' });
  });
});
