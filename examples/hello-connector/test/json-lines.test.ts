// The strict JSON-lines reader on its own: line splitting across arbitrary chunk boundaries,
// blank lines, and what numbers bound for exact (bigint, decimal) columns become — on this
// runtime, and on one whose JSON.parse hands revivers the source text (Node.js ≥ 21, as Lambda's).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineChunksOf, parseLine } from '../src/index.js';

const object = 's3://b/t/a.jsonl';
const line = (text: string, number = 1) => ({ number, bytes: Buffer.from(text) });

/** A decimal's exact value in a canonical form (`digits e exponent`), for plain and exponent notation alike. */
function decimalValue(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (match === null) throw new Error(`${text} is not a decimal`);
  let digits = `${match[2]}${match[3] ?? ''}`.replace(/^0+/, '');
  let exponent = Number(match[4] ?? 0) - (match[3] ?? '').length;
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent++;
  }
  return digits === '' ? '0' : `${match[1]}${digits}e${exponent}`;
}

async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

describe('lineChunksOf', () => {
  it('gives the same numbered lines however the bytes are chunked', async () => {
    const bytes = fc
      .array(fc.constantFrom(0x0a, 0x0d, 0x41, 0x7b, 0xc3, 0xa9), { maxLength: 60 })
      .map((a) => Uint8Array.from(a));
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.nat(60)), async (data, cuts) => {
        // Reference: split on LF, drop one CR before each LF, no empty line after a final LF.
        const text = Buffer.from(data).toString('latin1');
        const parts = text.split('\n');
        if (parts.at(-1) === '') parts.pop();
        const expected = parts.map((p, i) => ({ number: i + 1, text: p.endsWith('\r') ? p.slice(0, -1) : p }));
        const actual: { number: number; text: string }[] = [];
        for await (const lines of lineChunksOf(
          chunked(
            data,
            cuts.filter((c) => c <= data.length),
          ),
        ))
          for (const l of lines) actual.push({ number: l.number, text: Buffer.from(l.bytes).toString('latin1') });
        expect(actual).toEqual(expected);
      }),
    );
  });
});

describe('parseLine', () => {
  it('skips blank lines and keeps ordinary values as JSON gives them', () => {
    expect(parseLine(line('   '), new Set(), object)).toBeUndefined();
    expect(parseLine(line('{"a": 1.5, "b": "x", "c": null, "d": [1]}'), new Set(['id']), object)).toEqual({
      a: 1.5,
      b: 'x',
      c: null,
      d: [1],
    });
  });

  it('names the object, line and character of malformed JSON without quoting it', () => {
    expect(() => parseLine(line('{"name": "SECRET" oops}', 7), new Set(), object)).toThrow(
      /^s3:\/\/b\/t\/a\.jsonl line 7 is not valid JSON \(at character 19\)$/,
    );
  });

  it('keeps every digit of numbers in exact columns on runtimes that show the source', async () => {
    // Prepare: decimal literals of 1 to 30 digits, and the same in a column that is not exact.
    const literal = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^(0|[1-9][0-9]{0,19})$/),
        fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
      )
      .map(
        ([negative, whole, fraction]) =>
          `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}`,
      );
    const literals = fc.sample(literal, 300);
    const lines = literals.map((l) => `{"exact": ${l}, "double": ${l}}`);
    // Node.js 20 has the source text behind a flag; newer versions have it on by default.
    const flags = Number(process.versions.node.split('.')[0]) < 21 ? ['--harmony-json-parse-with-source'] : [];
    const source = fileURLToPath(new URL('../src/json-lines.ts', import.meta.url));
    const script = `
      const { parseLine } = await import(${JSON.stringify(source)});
      const lines = ${JSON.stringify(lines)};
      console.log(JSON.stringify(lines.map((text, i) => parseLine({ number: i + 1, bytes: Buffer.from(text) }, new Set(['exact']), 'o'))));
    `;
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...flags, '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const rows = JSON.parse(stdout.trim()) as { exact: unknown; double: unknown }[];
    // Assess: the exact column denotes the literal's value exactly, as text or as a number; the other is a plain double.
    rows.forEach((row, i) => {
      const text = literals[i] ?? '';
      expect(decimalValue(String(row.exact)), text).toBe(decimalValue(text));
      // `===`: JSON carries -0 back as 0.
      expect(row.double === Number(text), text).toBe(true);
    });
    expect(rows.some((row) => typeof row.exact === 'string')).toBe(true);
  }, 30_000);

  it('refuses an integer beyond 2^53 in an exact column where the source is hidden, rather than round it', () => {
    let sourceAware = false;
    JSON.parse('1', (_key: string, value: unknown, context?: { source?: string }) => {
      sourceAware = context?.source === '1';
      return value;
    });
    const parse = () => parseLine(line('{"id": 9007199254740993, "n": 9007199254740993}', 4), new Set(['id']), object);
    if (sourceAware) expect(parse()).toEqual({ id: '9007199254740993', n: 9007199254740992 });
    else expect(parse).toThrow('s3://b/t/a.jsonl line 4: column "id" holds an integer beyond 2^53');
  });
});
