/**
 * What the request fuzz sends: small recipes drawn by fast-check (so a seed reproduces a run and a
 * failure prints a readable counterexample), turned into Lambda events only when sent. Bases are
 * the Java SDK's and the spec's request vectors plus real requests for the target's own table in
 * every serde version; recipes put hostile values into valid shapes, break shapes, nest deeply,
 * blow sizes up, send wrong types, unknown `@type`s and members of one version inside another.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeRequest,
  type Constraints,
  type FederationRequest,
  type ReadRecordsRequest,
  type StringMap,
} from '@athena-federation/connector-core';
import { Field, Schema, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { type Json, locations } from '../../../connector-core/test/support/json-tree.js';
import { inList, ranges } from '../../../connector-aurora/test/support/value-sets.js';

/** A JSON document. */
export type { Json };

const FIXTURES = join(import.meta.dirname, '../../../connector-core/test/fixtures');

/** Every request vector of the Java SDK (V2) and of the spec (V4–V6), as parsed JSON. */
export function vectorRequests(): { readonly name: string; readonly doc: Json }[] {
  const java = join(FIXTURES, 'java-sdk/serde');
  const files = [
    ...readdirSync(join(java, 'v2')).map((f) => join(java, 'v2', f)),
    ...readdirSync(java)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(java, f)),
    ...['v2', 'v3', 'v4', 'v5', 'v6'].flatMap((dir) =>
      readdirSync(join(FIXTURES, 'spec', dir)).map((f) => join(FIXTURES, 'spec', dir, f)),
    ),
  ].filter((path) => /Request[^/]*\.json$/.test(path));
  return files.map((path) => ({
    name: path.slice(FIXTURES.length + 1),
    doc: JSON.parse(readFileSync(path, 'utf8')) as Json,
  }));
}

/**
 * Hostile strings: the SQL injection corpus (quotes, backticks, comments, stacked statements),
 * control and format characters, NUL, lone surrogates, right-to-left overrides, template and
 * path tricks, prototype keys, numbers as text, and long strings.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  // The tables the fuzz and injection tests read (support/targets.ts): a statement that ran would change their checksums.
  "'; DROP TABLE fuzz_patients; --",
  '"; DROP TABLE injection_patients; --',
  '`; DELETE FROM fuzz_patients; --',
  "\\'; UPDATE injection_patients SET mrn = 'x'; #",
  "x' OR '1'='1",
  "' UNION SELECT user, password FROM mysql.user --",
  '1; SELECT SLEEP(30)',
  "'||(SELECT BENCHMARK(100000000, SHA1('x')))||'",
  'a\\',
  '/* comment */ 1',
  '-- not a comment',
  '%_%',
  'nul\u0000byte',
  '\uD800 lone surrogate',
  '\u202Egnp.exe',
  'line\r\nInjected-Header: 1',
  '${jndi:ldap://127.0.0.1/x}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'ünï`cødé 😀',
  '',
  ' ',
  'NaN',
  '-1',
  '9'.repeat(400),
  'x'.repeat(70_000),
];

/** Bucket names and prefixes an attacker might slip into `configOptions` or a split. */
export const HOSTILE_BUCKETS: readonly string[] = [
  'attacker-bucket',
  'reliability-fuzz-spill/../other',
  'UPPER_case',
  '192.168.1.1',
  'a',
  '',
  ' ',
  'x'.repeat(70),
];

/** A change to a valid request before it is encoded. */
export type Edit =
  | {
      readonly kind: 'text';
      readonly field:
        | 'catalogName'
        | 'queryId'
        | 'schemaName'
        | 'tableName'
        | 'nextToken'
        | 'continuationToken'
        | 'splitProperty'
        | 'tag'
        | 'configOption';
      readonly value: string;
    }
  | { readonly kind: 'pageSize'; readonly value: number }
  | { readonly kind: 'blockSize'; readonly maxBlockSize: number; readonly maxInlineBlockSize: number }
  | { readonly kind: 'limit'; readonly value: bigint }
  | { readonly kind: 'inList'; readonly values: readonly string[] }
  | { readonly kind: 'range'; readonly low: string; readonly high: string }
  | { readonly kind: 'passthrough'; readonly query: string }
  | { readonly kind: 'unknownColumn'; readonly name: string }
  | { readonly kind: 'spillBucket'; readonly where: 'configOptions' | 'split'; readonly bucket: string };

/** A JSON-level change to a request document. */
export type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: Json }
  | { readonly kind: 'add'; readonly at: number; readonly name: string; readonly value: Json }
  | { readonly kind: 'type'; readonly at: number; readonly name: string }
  | { readonly kind: 'flipBase64'; readonly at: number; readonly byte: number; readonly xor: number }
  | { readonly kind: 'truncateText'; readonly keep: number };

/** One fuzz case. `base` indexes the valid requests (kind `valid`, `versionMix`) or every base document (kind `mutate`). */
export type Recipe =
  | { readonly kind: 'valid'; readonly base: number; readonly version: number; readonly edits: readonly Edit[] }
  | { readonly kind: 'mutate'; readonly base: number; readonly mutations: readonly Mutation[] }
  | { readonly kind: 'versionMix'; readonly base: number; readonly from: number; readonly to: number }
  | { readonly kind: 'nest'; readonly depth: number; readonly where: 'identity' | 'expression' | 'schemaName' }
  | {
      readonly kind: 'huge';
      readonly megabytes: number;
      readonly where: 'catalogName' | 'schema' | 'splitProperty' | 'member';
    }
  | { readonly kind: 'garbage'; readonly value: Json };

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const randomJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308),
  hostile,
  fc.constant<Json>({}),
  fc.constant<Json>([]),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
);

const TYPES = [
  'PingRequest',
  'ListSchemasRequest',
  'ListTablesRequest',
  'GetTableRequest',
  'GetTableLayoutRequest',
  'GetSplitsRequest',
  'ReadRecordsRequest',
  'GetDataSourceCapabilitiesRequest',
  'UserDefinedFunctionRequest',
  'PingResponse',
  'S3SpillLocation',
  'SortedRangeSet',
  'NoSuchRequest',
  'readrecordsrequest',
  '',
  'java.lang.Runtime',
];

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      field: fc.constantFrom(
        'catalogName',
        'queryId',
        'schemaName',
        'tableName',
        'nextToken',
        'continuationToken',
        'splitProperty',
        'tag',
        'configOption',
      ),
      value: hostile,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('pageSize' as const),
      value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('blockSize' as const),
      maxBlockSize: fc.oneof(
        fc.constantFrom(0, 1, 64, 4096, 16_000_000, Number.MAX_SAFE_INTEGER, -1),
        fc.integer({ min: 1, max: 100_000 }),
      ),
      maxInlineBlockSize: fc.oneof(fc.constantFrom(0, 1, 100, 5_242_880, -5), fc.integer({ min: 1, max: 100_000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('limit' as const),
      value: fc.oneof(fc.constantFrom(-1n, 0n, 1n, 2n ** 63n - 1n, -(2n ** 63n)), fc.bigInt({ min: -5n, max: 500n })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('inList' as const),
      values: fc.array(hostile, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('range' as const), low: hostile, high: hostile }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('passthrough' as const),
      query: fc.oneof(
        hostile,
        fc.constantFrom(
          'SELECT * FROM fuzz_patients',
          'DELETE FROM fuzz_patients',
          'select 1; drop table fuzz_patients',
        ),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknownColumn' as const), name: hostile }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('spillBucket' as const),
      where: fc.constantFrom('configOptions' as const, 'split' as const),
      bucket: fc.constantFrom(...HOSTILE_BUCKETS),
    }),
  },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: randomJson }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    name: fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('__proto__', '@type', 'constructor', 'configOptions', 'queryPlan', 'expression'),
    ),
    value: randomJson,
  }),
  fc.record({ kind: fc.constant('type' as const), at: fc.nat(), name: fc.constantFrom(...TYPES) }),
  fc.record({
    kind: fc.constant('flipBase64' as const),
    at: fc.nat(),
    byte: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncateText' as const), keep: fc.nat() }),
);

/** Draws recipes over `validCount` valid requests and `docCount` base documents; the weights keep most cases on the fast decode path, as real bad traffic would. */
export function recipeArbitrary(validCount: number, docCount: number): fc.Arbitrary<Recipe> {
  return fc.oneof(
    {
      weight: 20,
      arbitrary: fc.record({
        kind: fc.constant('valid' as const),
        base: fc.nat({ max: validCount - 1 }),
        version: fc.integer({ min: 2, max: 6 }),
        edits: fc.array(edit, { maxLength: 2 }),
      }),
    },
    {
      weight: 55,
      arbitrary: fc.record({
        kind: fc.constant('mutate' as const),
        base: fc.nat({ max: docCount - 1 }),
        mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      }),
    },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('versionMix' as const),
        base: fc.nat({ max: validCount - 1 }),
        from: fc.integer({ min: 2, max: 6 }),
        to: fc.integer({ min: 2, max: 6 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('nest' as const),
        depth: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.constantFrom(1_000, 10_000, 100_000)),
        where: fc.constantFrom('identity' as const, 'expression' as const, 'schemaName' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('huge' as const),
        megabytes: fc.constantFrom(1, 3, 6),
        where: fc.constantFrom('catalogName' as const, 'schema' as const, 'splitProperty' as const, 'member' as const),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('garbage' as const),
        value: fc.oneof(randomJson, fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>),
      }),
    },
  );
}

function withConstraints(request: FederationRequest, change: (c: Constraints) => Constraints): FederationRequest {
  return 'constraints' in request
    ? ({ ...request, constraints: change(request.constraints) } as FederationRequest)
    : request;
}

/** Applies one edit to a typed request (a no-op where the request has no such member). */
export function applyEdit(request: FederationRequest, e: Edit): FederationRequest {
  const loose = request as unknown as Record<string, unknown>;
  switch (e.kind) {
    case 'text':
      switch (e.field) {
        case 'schemaName':
        case 'tableName':
          if ('tableName' in request && typeof request.tableName === 'object')
            return { ...request, tableName: { ...request.tableName, [e.field]: e.value } } as FederationRequest;
          return 'schemaName' in request ? ({ ...request, schemaName: e.value } as FederationRequest) : request;
        case 'splitProperty':
          if (!('split' in request)) return request;
          return {
            ...request,
            split: {
              ...request.split,
              properties: Object.fromEntries(
                Object.keys(request.split.properties).map((k, i) => [
                  k,
                  i === 0 ? e.value : (request.split.properties[k] ?? ''),
                ]),
              ),
            },
          } as FederationRequest;
        case 'tag':
        case 'configOption': {
          if (request.identity === null) return request;
          const member = e.field === 'tag' ? 'tags' : 'configOptions';
          const map: StringMap = { ...(request.identity[member] ?? {}), [e.value.slice(0, 64) || 'k']: e.value };
          return { ...request, identity: { ...request.identity, [member]: map } } as FederationRequest;
        }
        default:
          return e.field in loose ? ({ ...loose, [e.field]: e.value } as unknown as FederationRequest) : request;
      }
    case 'pageSize':
      return 'pageSize' in request ? { ...request, pageSize: e.value } : request;
    case 'blockSize':
      return request['@type'] === 'ReadRecordsRequest'
        ? { ...request, maxBlockSize: e.maxBlockSize, maxInlineBlockSize: e.maxInlineBlockSize }
        : request;
    case 'limit':
      return withConstraints(request, (c) => ({ ...c, limit: e.value }));
    case 'inList':
      return withConstraints(request, (c) => ({ ...c, summary: { ...c.summary, mrn: inList(new Utf8(), e.values) } }));
    case 'range':
      return withConstraints(request, (c) => ({
        ...c,
        summary: { ...c.summary, full_name: ranges(new Utf8(), [{ low: e.low, high: e.high }]) },
      }));
    case 'passthrough': {
      const args = { schemaFunctionName: 'system.query', query: e.query };
      if (request['@type'] === 'GetTableRequest') return { ...request, queryPassthroughArguments: args };
      return withConstraints(request, (c) => ({ ...c, queryPassthroughArguments: args }));
    }
    case 'unknownColumn':
      return 'schema' in request
        ? ({
            ...request,
            schema: new Schema([...request.schema.fields, new Field(e.name === '' ? 'x' : e.name, new Utf8(), true)]),
          } as FederationRequest)
        : request;
    case 'spillBucket':
      if (e.where === 'split') {
        if (request['@type'] !== 'ReadRecordsRequest' || request.split.spillLocation === null) return request;
        return {
          ...request,
          split: { ...request.split, spillLocation: { ...request.split.spillLocation, bucket: e.bucket } },
        } satisfies ReadRecordsRequest;
      }
      if (request.identity === null) return request;
      return {
        ...request,
        identity: { ...request.identity, configOptions: { ...request.identity.configOptions, spill_bucket: e.bucket } },
      } as FederationRequest;
  }
}

const isBase64 = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 8 && /^[A-Za-z0-9+/]+=*$/.test(value);

/** Applies JSON-level mutations; a text truncation turns the event into a (broken) JSON string, as a raw payload would arrive. */
function mutate(doc: Json, mutations: readonly Mutation[]): Json | string {
  const copy = structuredClone(doc);
  let root: Json = copy;
  for (const m of mutations) {
    if (m.kind === 'truncateText') {
      const text = JSON.stringify(root);
      return text.slice(0, m.keep % (text.length + 1));
    }
    const all = locations(root);
    if (m.kind === 'flipBase64') {
      const blobs = all.filter((l) => isBase64((l.parent as Record<string | number, Json>)[l.key]));
      const target = blobs[m.at % Math.max(blobs.length, 1)];
      if (target === undefined) continue;
      const holder = target.parent as Record<string | number, Json>;
      const bytes = Buffer.from(holder[target.key] as string, 'base64');
      bytes[m.byte % bytes.length] = (bytes[m.byte % bytes.length] ?? 0) ^ m.xor;
      holder[target.key] = bytes.toString('base64');
      continue;
    }
    if (m.kind === 'type') {
      const objects = [root, ...all.map((l) => (l.parent as Record<string | number, Json>)[l.key])].filter(
        (v): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v) && '@type' in v,
      );
      const target = objects[m.at % Math.max(objects.length, 1)];
      if (target !== undefined) target['@type'] = m.name;
      continue;
    }
    const target = all[m.at % Math.max(all.length, 1)];
    if (target === undefined) {
      if (m.kind === 'replace') root = structuredClone(m.value);
      continue;
    }
    const holder = target.parent as Record<string | number, Json>;
    if (m.kind === 'delete') {
      if (Array.isArray(target.parent)) target.parent.splice(target.key as number, 1);
      else delete holder[target.key];
    } else if (m.kind === 'replace') {
      // A copy: the same drawn value placed twice must not make the document cyclic.
      holder[target.key] = structuredClone(m.value);
    } else {
      const value = holder[target.key];
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        Object.defineProperty(value, m.name, {
          value: structuredClone(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
  }
  return root;
}

/** Wraps `inner` in `depth` arrays (or objects), without recursion so building it cannot overflow. */
function nested(depth: number, inner: Json, asObject: boolean): Json {
  let node = inner;
  for (let i = 0; i < depth; i++) node = asObject ? { a: node } : [node];
  return node;
}

/** What the fuzz sends for one recipe: the Lambda event (parsed JSON, or raw text for broken JSON) and a label for failure messages. */
export interface FuzzCase {
  readonly event: Json | string;
  readonly label: string;
  /** True when the request is a valid one for the target's real table, unchanged: it must succeed. */
  readonly mustSucceed: boolean;
}

/** Turns recipes into events over the target's valid requests and every base document. */
export function createCaseBuilder(
  valid: readonly { readonly name: string; readonly request: FederationRequest }[],
  vectors: readonly { readonly name: string; readonly doc: Json }[],
) {
  const encode = (request: FederationRequest, version: number): Json => {
    for (let v = version; v <= 6; v++) {
      try {
        return JSON.parse(encodeRequest(request, v)) as Json;
      } catch {
        // This version cannot carry a member the request uses (e.g. a limit before V4); try the next.
      }
    }
    return JSON.parse(encodeRequest(request, 6)) as Json;
  };
  const docs = [...valid.map((v) => ({ name: v.name, doc: encode(v.request, 6) })), ...vectors];
  const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

  return (recipe: Recipe): FuzzCase => {
    switch (recipe.kind) {
      case 'valid': {
        const base = pick(valid, recipe.base);
        let request = base.request;
        let event = encode(request, recipe.version);
        for (const e of recipe.edits) {
          try {
            const edited = applyEdit(request, e);
            event = encode(edited, recipe.version);
            request = edited;
          } catch {
            // The engine side cannot even write this value (a lone surrogate in an Arrow Utf8 block): Athena could not send it either.
          }
        }
        return {
          event,
          label: `${base.name} v${recipe.version} ${JSON.stringify(recipe.edits, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v))}`,
          mustSucceed: recipe.edits.length === 0,
        };
      }
      case 'mutate': {
        const base = pick(docs, recipe.base);
        return {
          event: mutate(base.doc, recipe.mutations),
          label: `${base.name} mutated ${JSON.stringify(recipe.mutations).slice(0, 300)}`,
          mustSucceed: false,
        };
      }
      case 'versionMix': {
        // Members of one version's constraints grafted onto another version's document.
        const base = pick(valid, recipe.base);
        const from = encode(base.request, recipe.from) as { [key: string]: Json };
        const to = encode(base.request, recipe.to) as { [key: string]: Json };
        const mixed = structuredClone(from);
        const constraints = mixed['constraints'];
        const other = to['constraints'];
        if (
          constraints !== null &&
          typeof constraints === 'object' &&
          !Array.isArray(constraints) &&
          other !== null &&
          typeof other === 'object' &&
          !Array.isArray(other)
        ) {
          for (const [key, value] of Object.entries(other)) if (!(key in constraints)) constraints[key] = value;
          for (const key of Object.keys(constraints)) if (!(key in other) && key !== 'summary') delete constraints[key];
        }
        if (typeof to['schema'] === 'string') mixed['schema'] = to['schema'];
        return { event: mixed, label: `${base.name} v${recipe.from}→v${recipe.to} mix`, mustSucceed: false };
      }
      case 'nest': {
        const base = structuredClone(pick(docs, 0).doc) as { [key: string]: Json };
        if (recipe.where === 'identity') base['identity'] = nested(recipe.depth, {}, false);
        else if (recipe.where === 'schemaName') base['schemaName'] = nested(recipe.depth, 'x', true);
        else
          base['constraints'] = {
            summary: {},
            expression: [
              nested(
                recipe.depth,
                {
                  '@type': 'VariableExpression',
                  columnName: 'id',
                  type: { '@type': 'Int', bitWidth: 32, isSigned: true },
                },
                false,
              ),
            ],
            orderByClause: [],
            limit: -1,
          };
        return { event: base, label: `nesting ${recipe.depth} deep in ${recipe.where}`, mustSucceed: false };
      }
      case 'huge': {
        const size = recipe.megabytes * 1024 * 1024;
        const read = structuredClone(
          docs.find((d) => d.name.startsWith('ReadRecordsRequest'))?.doc ?? pick(docs, 0).doc,
        ) as { [key: string]: Json };
        if (recipe.where === 'catalogName') read['catalogName'] = 'c'.repeat(size);
        else if (recipe.where === 'schema') read['schema'] = Buffer.alloc(size, 7).toString('base64');
        else if (recipe.where === 'member') read[`x${'y'.repeat(1000)}`] = 'z'.repeat(size);
        else {
          const split = read['split'];
          if (split !== null && typeof split === 'object' && !Array.isArray(split))
            split['properties'] = { big: 'p'.repeat(size) };
        }
        return { event: read, label: `${recipe.megabytes} MB in ${recipe.where}`, mustSucceed: false };
      }
      case 'garbage':
        return {
          event: recipe.value,
          label: `garbage ${JSON.stringify(recipe.value).slice(0, 200)}`,
          mustSucceed: false,
        };
    }
  };
}
