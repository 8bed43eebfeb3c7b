/**
 * The forged splits of `forged-splits-dynamodb.test.ts`: what a caller who may invoke the DynamoDB
 * connector's function could put into a ReadRecords split instead of what GetSplits made. A fixed
 * corpus walks every property of every kind through its hostile values (PartiQL writes of every
 * kind, passthrough off, statements that are not the request's, other tables, other indexes,
 * bogus keys and key types, out-of-range segments, huge/negative/NaN numbers, prototype keys);
 * fast-check then draws random mixtures of the same values, so a seed reproduces a run.
 */
import fc from 'fast-check';

/** The handler a case goes to: passthrough on, passthrough off, or reads capped by `max_read_capacity_units`. */
export type HandlerKind = 'open' | 'closed' | 'capped';

/** One forged ReadRecords. */
export interface ForgedCase {
  readonly label: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly handler: HandlerKind;
  /** The request's own passthrough statement (none: an ordinary table read). */
  readonly passthrough: string | undefined;
  /** Read only the table's key columns (a KEYS_ONLY index then holds them all). */
  readonly keysOnly: boolean;
}

/** The two tables: the request's own, and one it must never reach. */
export interface CorpusTables {
  /** Real (mixed-case) name of the request's table: hash `ward` (S), range `id` (N); GSI `ByMrn` (ALL), LSI `ByPulse` (KEYS_ONLY). */
  readonly patients: string;
  /** Another table with the same attribute names, a `ByMrn` GSI of its own, and rows marked SECRET-. */
  readonly secret: string;
}

/** Properties with their keys kept as own data properties, even `__proto__`. */
function props(entries: readonly (readonly [string, string])[]): Record<string, string> {
  return Object.fromEntries(entries);
}

function statements(t: CorpusTables): {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly select: string;
} {
  const select = `SELECT * FROM "${t.patients}"`;
  return {
    select,
    reads: [
      select,
      `SELECT * FROM "${t.secret}"`,
      `SELECT * FROM "${t.patients}" WHERE ward = 'w1'`,
      `select * from "${t.secret}"."ByMrn"`,
      ` ${select} `,
      `${select};`,
    ],
    writes: [
      `UPDATE "${t.patients}" SET full_name = 'forged' WHERE ward = 'w1' AND id = 1`,
      `UPDATE "${t.secret}" SET secret = 'forged' WHERE id = 1`,
      `DELETE FROM "${t.patients}" WHERE ward = 'w0' AND id = 0`,
      `DELETE FROM "${t.secret}" WHERE id = 2`,
      `INSERT INTO "${t.patients}" VALUE {'ward': 'w9', 'id': 999, 'mrn': 'forged'}`,
      `INSERT INTO "${t.secret}" VALUE {'id': 999, 'secret': 'forged'}`,
      `update "${t.patients}" set full_name = 'forged' where ward = 'w2' and id = 2`,
      `/* SELECT */ DELETE FROM "${t.patients}" WHERE ward = 'w3' AND id = 3`,
      `${select}; DELETE FROM "${t.patients}" WHERE ward = 'w4' AND id = 4`,
      `${select} WHERE ward = ''';'; UPDATE "${t.secret}" SET secret = 'forged' WHERE id = 3`,
      `EXISTS(SELECT * FROM "${t.patients}" WHERE ward = 'w1')`,
    ],
  };
}

const SEGMENTS: readonly (readonly [string, string])[] = [
  ['0', '1'],
  ['1', '1'],
  ['-1', '2'],
  ['0', '0'],
  ['0', '1000001'],
  ['0', '1000000'],
  ['0.5', '2'],
  ['NaN', '2'],
  ['1e3', '2000'],
  ['0', '1e6'],
  ['01', '2'],
  [' 0', '2'],
  ['0x0', '2'],
  ['9007199254740993', '9007199254740994'],
  ['Infinity', 'Infinity'],
  ['', ''],
  ['0', '-0'],
];
const HASH_VALUES = [
  '{"S":"w1"}',
  '{"N":"1"}',
  '{"B":"AA=="}',
  '{"S":""}',
  `{"S":"${'x'.repeat(3000)}"}`,
  '{"NULL":true}',
  '{"M":{}}',
  'not json',
  '{"N":"1e400"}',
  '{"N":"NaN"}',
  '{"S":"w1","N":"1"}',
  '{"__proto__":{"S":"w1"}}',
  '{"SS":["w1"]}',
  '{"S":"MRN-0001"}',
];
const SHARES = ['0', '-1', 'NaN', '1e309', 'Infinity', '1e-300', '100000000000', '0x10', '', '10', '1000'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** The fixed corpus: every property of every kind through its hostile values, plus the legitimate shapes as controls. */
export function fixedCorpus(t: CorpusTables): ForgedCase[] {
  const { select, reads, writes } = statements(t);
  const cases: ForgedCase[] = [];
  const add = (
    label: string,
    properties: Record<string, string>,
    rest: Partial<Omit<ForgedCase, 'label' | 'properties'>> = {},
  ) =>
    cases.push({
      label,
      properties,
      handler: rest.handler ?? 'open',
      passthrough: rest.passthrough,
      keysOnly: rest.keysOnly ?? false,
    });

  // PartiQL: every statement under every request passthrough and both passthrough settings. A
  // request whose own passthrough reads the other table is a legitimate query, not a forgery.
  for (const statement of [...writes, ...reads]) {
    for (const passthrough of [undefined, select, ...(statement.includes(t.secret) ? [] : [statement])]) {
      for (const handler of ['open', 'closed'] as const)
        add(
          `partiql ${handler} args=${passthrough === statement ? 'same' : passthrough === undefined ? 'none' : 'select'}: ${statement.slice(0, 60)}`,
          { kind: 'partiql', statement },
          { handler, passthrough },
        );
    }
  }
  add('partiql without statement', { kind: 'partiql' }, { passthrough: select });
  add(
    'partiql with a table property',
    { kind: 'partiql', statement: select, table: t.secret },
    { passthrough: select },
  );

  // Scan: other tables, every segment shape.
  for (const table of [
    t.patients,
    t.secret,
    t.patients.toLowerCase(),
    t.patients.toUpperCase(),
    '',
    'x'.repeat(300),
    `${t.patients} `,
  ])
    add(`scan table=${table.slice(0, 40)}`, { kind: 'scan', table, segment: '0', totalSegments: '1' });
  for (const [segment, totalSegments] of SEGMENTS)
    add(`scan segment ${segment}/${totalSegments}`, { kind: 'scan', table: t.patients, segment, totalSegments });

  // Query: tables, indexes, keys, key types and values.
  const query = {
    kind: 'query',
    table: t.patients,
    hashKey: 'ward',
    hashValue: '{"S":"w1"}',
    rangeKey: 'id',
    rangeType: 'N',
  };
  const gsi = {
    kind: 'query',
    table: t.patients,
    index: 'ByMrn',
    hashKey: 'mrn',
    hashValue: '{"S":"MRN-0001"}',
    tableRangeKey: 'id',
  };
  const lsi = { ...query, index: 'ByPulse', rangeKey: 'pulse', rangeType: 'N', tableRangeKey: 'id' };
  add('query table (control)', query);
  add('query GSI (control)', gsi);
  add('query LSI keys only (control)', lsi, { keysOnly: true });
  add('query LSI KEYS_ONLY for every column', lsi);
  for (const table of [t.secret, t.patients.toLowerCase(), '']) {
    add(`query table=${table}`, { ...query, table });
    add(`query GSI table=${table}`, { ...gsi, table });
  }
  for (const index of ['NoSuchIndex', 'byMrn', t.secret, '', '__proto__'])
    add(`query index=${index}`, { ...gsi, index });
  for (const hashKey of ['id', 'mrn', 'secret', 'full_name', 'Ward', '', '__proto__', 'constructor']) {
    add(`query hashKey=${hashKey}`, { ...query, hashKey });
    add(`query GSI hashKey=${hashKey}`, { ...gsi, hashKey });
  }
  for (const hashValue of HASH_VALUES) {
    add(`query hashValue=${hashValue.slice(0, 30)}`, { ...query, hashValue });
    add(`query GSI hashValue=${hashValue.slice(0, 30)}`, { ...gsi, hashValue });
  }
  for (const [rangeKey, rangeType] of [
    ['pulse', 'N'],
    ['id', 'S'],
    ['id', 'B'],
    ['id', 'BOOL'],
    ['mrn', 'S'],
    ['', 'N'],
  ] as const)
    add(`query range ${rangeKey}:${rangeType}`, { ...query, rangeKey, rangeType });
  add('query without range key', { kind: 'query', table: t.patients, hashKey: 'ward', hashValue: '{"S":"w1"}' });
  for (const tableRangeKey of ['pulse', 'ward', ''])
    add(`query GSI tableRangeKey=${tableRangeKey}`, { ...gsi, tableRangeKey });
  add('query GSI without tableRangeKey', {
    kind: 'query',
    table: t.patients,
    index: 'ByMrn',
    hashKey: 'mrn',
    hashValue: '{"S":"MRN-0001"}',
  });
  add('query table with tableRangeKey', { ...query, tableRangeKey: 'id' });

  // Capacity shares, with and without a cap.
  for (const rcuShare of SHARES) {
    add(
      `scan rcuShare=${rcuShare} capped`,
      { kind: 'scan', table: t.patients, segment: '0', totalSegments: '1', rcuShare },
      { handler: 'capped' },
    );
    add(`scan rcuShare=${rcuShare} uncapped`, {
      kind: 'scan',
      table: t.patients,
      segment: '0',
      totalSegments: '1',
      rcuShare,
    });
  }
  add(
    'scan without rcuShare capped',
    { kind: 'scan', table: t.patients, segment: '0', totalSegments: '1' },
    { handler: 'capped' },
  );

  // Kinds and prototype keys.
  for (const kind of ['', 'SCAN', 'PartiQL', 'update', '__proto__', 'constructor'])
    add(
      `kind=${kind}`,
      { kind, table: t.patients, segment: '0', totalSegments: '1', statement: select },
      { passthrough: select },
    );
  add('no kind', { table: t.patients, segment: '0', totalSegments: '1' });
  for (const key of PROTOTYPE_KEYS) {
    add(
      `scan with ${key}`,
      props([
        ['kind', 'scan'],
        ['table', t.patients],
        ['segment', '0'],
        ['totalSegments', '1'],
        [key, 'partiql'],
      ]),
    );
    add(
      `${key} instead of kind`,
      props([
        [key, 'partiql'],
        ['statement', writes[0] ?? ''],
        ['table', t.patients],
      ]),
      { passthrough: select },
    );
  }
  return cases;
}

/** Random mixtures of the corpus's values: any kind with any properties, on any handler. */
export function randomCase(t: CorpusTables): fc.Arbitrary<ForgedCase> {
  const { select, reads, writes } = statements(t);
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
  return fc
    .record({
      kind: maybe(fc.constantFrom('scan', 'query', 'partiql', 'Scan', '', '__proto__')),
      table: maybe(fc.constantFrom(t.patients, t.patients, t.secret, t.patients.toLowerCase(), '')),
      index: maybe(fc.constantFrom('ByMrn', 'ByPulse', 'NoSuchIndex', '')),
      hashKey: maybe(fc.constantFrom('ward', 'mrn', 'id', 'secret', '__proto__')),
      hashValue: maybe(fc.constantFrom(...HASH_VALUES)),
      rangeKey: maybe(fc.constantFrom('id', 'pulse', 'mrn')),
      rangeType: maybe(fc.constantFrom('N', 'S', 'B', 'X')),
      tableRangeKey: maybe(fc.constantFrom('id', 'pulse', '')),
      segments: maybe(fc.constantFrom(...SEGMENTS)),
      rcuShare: maybe(fc.constantFrom(...SHARES)),
      statement: maybe(fc.constantFrom(...writes, ...reads)),
      extra: maybe(fc.constantFrom(...PROTOTYPE_KEYS, 'unknown')),
      handler: fc.constantFrom<HandlerKind>('open', 'closed', 'capped'),
      passthrough: maybe(fc.constantFrom(select, ...reads.filter((r) => !r.includes(t.secret)))),
      keysOnly: fc.boolean(),
    })
    .map((r) => {
      const entries: [string, string][] = [];
      const put = (key: string, value: string | undefined) => value !== undefined && entries.push([key, value]);
      put('kind', r.kind);
      put('table', r.table);
      put('index', r.index);
      put('hashKey', r.hashKey);
      put('hashValue', r.hashValue);
      put('rangeKey', r.rangeKey);
      put('rangeType', r.rangeType);
      put('tableRangeKey', r.tableRangeKey);
      put('segment', r.segments?.[0]);
      put('totalSegments', r.segments?.[1]);
      put('rcuShare', r.rcuShare);
      put('statement', r.statement);
      put(r.extra ?? '', r.extra === undefined ? undefined : 'partiql');
      return {
        label: `random ${JSON.stringify(entries).slice(0, 160)}`,
        properties: props(entries),
        handler: r.handler,
        passthrough: r.passthrough,
        keysOnly: r.keysOnly,
      };
    });
}
