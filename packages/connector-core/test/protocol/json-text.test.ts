// The JSON text layer on its own: the reader keeps Java longs exact and treats `__proto__` as data,
// large documents are assembled in one buffer without changing a character, and chunked base64 is
// the base64 of the whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE64_PIECE, decodeBase64, encodeBase64, forEachBase64Piece } from '../../src/protocol/base64.js';
import { parseJson, parseJsonDecodingBase64 } from '../../src/protocol/json-reader.js';
import { JsonOut } from '../../src/protocol/json-writer.js';
import { decodeRequest, encodeRequest } from '../../src/index.js';

describe('JSON reader', () => {
  it('keeps integers beyond 2^53 exact and parses what JSON.parse parses', () => {
    expect(parseJson('[9223372036854775807,-9223372036854775808,9007199254740993,1.5e3,-0]')).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
      9007199254740993n,
      1500,
      -0,
    ]);
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(JSON.stringify(parseJson(text), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).toBe(
          JSON.stringify(JSON.parse(text)),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('treats a __proto__ member as data', () => {
    const parsed = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses duplicate members (which Java would read twice)', () => {
    expect(() => parseJson('{"a":1,"a":2}')).toThrow(/duplicate member "a"/);
  });
});

describe('JSON reader decoding long base64 strings as it finds their end', () => {
  // Sizes around the piece the reader scans and decodes at a time.
  const sizes = [
    BASE64_PIECE - 4,
    BASE64_PIECE,
    BASE64_PIECE + 4,
    2 * BASE64_PIECE,
    2 * BASE64_PIECE + 8,
    3 * BASE64_PIECE + 1000,
  ];
  const bytesFor = (chars: number) => {
    const bytes = Buffer.alloc((chars / 4) * 3 - 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    return bytes;
  };

  it('returns the same tree as the strict reader and the exact bytes of every long base64 member', () => {
    // A document with any character beyond Latin-1 is a two-byte string throughout.
    for (const [size, name] of sizes.flatMap(
      (size) =>
        [
          [size, 'x'],
          [size, 'Zoë 患者'],
        ] as const,
    )) {
      const text = encodeBase64(bytesFor(size));
      const document = `{"a":${JSON.stringify(name)},"blob":"${text}","after":["${text.slice(0, 40)}",1]}`;
      const { value, decoded } = parseJsonDecodingBase64(document);
      expect(value).toEqual(parseJson(document));
      const long = decoded.filter((entry) => entry.text === text);
      expect(long.length).toBe(text.length > BASE64_PIECE ? 1 : 0);
      for (const entry of long)
        expect(Buffer.from(entry.bytes).equals(Buffer.from(decodeBase64(text, '$')))).toBe(true);
    }
  });

  it('reads a long string that is not base64 (escapes, quotes, padding inside, other characters) exactly as the strict reader does', () => {
    const base = encodeBase64(bytesFor(2 * BASE64_PIECE + 8));
    const variants = [
      `${base.slice(0, BASE64_PIECE + 100)}\\u0041${base.slice(BASE64_PIECE + 100)}`,
      `${base.slice(0, BASE64_PIECE * 2 - 1)}\\"${base.slice(BASE64_PIECE * 2 - 1)}`,
      `${base.slice(0, BASE64_PIECE + 3)}\\n${base.slice(BASE64_PIECE + 3)}`,
      `${base.slice(0, BASE64_PIECE)}==${base.slice(BASE64_PIECE + 2)}`,
      `${base.slice(0, 10)} ${base.slice(11)}`,
      `${base}\\\\`,
      `Zoë 患者 ${base}`,
    ];
    for (const body of variants) {
      const document = `{"blob":"${body}","n":2}`;
      const { value, decoded } = parseJsonDecodingBase64(document);
      expect(value).toEqual(parseJson(document));
      expect(value).toEqual(JSON.parse(document));
      expect(decoded).toEqual([]);
    }
  });

  it('agrees with the strict reader on random edits of a document with a long base64 member', () => {
    const text = encodeBase64(bytesFor(2 * BASE64_PIECE + 4));
    const document = `{"a":"x","blob":"${text}","n":[1,2]}`;
    const start = document.indexOf('"blob":"') + 8;
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: text.length + 20 }),
            fc.constantFrom('\\', '"', '=', ' ', '\n', 'é', '患', '\\u0041', '\\"', '}', ''),
            fc.integer({ min: 0, max: 3 }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        (edits) => {
          let edited = document;
          for (const [offset, insert, remove] of edits) {
            const at = Math.min(start + offset, edited.length);
            edited = edited.slice(0, at) + insert + edited.slice(at + remove);
          }
          const fast = outcome(() => parseJsonDecodingBase64(edited));
          const strict = outcome(() => parseJson(edited));
          expect(
            'value' in fast ? { value: (fast.value as ReturnType<typeof parseJsonDecodingBase64>).value } : fast,
          ).toEqual(strict);
          // Whatever the reader decoded on the way is exactly the base64 of the value it returned.
          for (const entry of 'value' in fast
            ? (fast.value as ReturnType<typeof parseJsonDecodingBase64>).decoded
            : []) {
            expect(Buffer.from(entry.bytes).equals(Buffer.from(decodeBase64(entry.text, '$')))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails an unterminated long string as the strict reader does', () => {
    const document = `{"blob":"${encodeBase64(bytesFor(2 * BASE64_PIECE))}`;
    expect(() => parseJsonDecodingBase64(document)).toThrow(/unterminated string/);
    expect(() => parseJson(document)).toThrow(/unterminated string/);
  });
});

describe('JSON writer', () => {
  it('assembles large documents to exactly the joined text, Unicode included', () => {
    const big = 'QUJD'.repeat(400_000);
    for (const unicode of ['plain', 'Zoë 患者 🩺']) {
      const out = new JsonOut();
      out.text(`{"name":${JSON.stringify(unicode)},"blob":"`);
      out.asciiText(big);
      out.text('"}');
      expect(out.toString()).toBe(`{"name":${JSON.stringify(unicode)},"blob":"${big}"}`);
    }
  });

  it('hands its buffer back when an encode fails, so the next document is whole', () => {
    const failed = new JsonOut();
    failed.text('{"half":"');
    failed.asciiText('QUJD'.repeat(100_000));
    failed.release();
    const out = new JsonOut();
    out.text('{"a":1}');
    expect(out.toString()).toBe('{"a":1}');
    expect(() =>
      encodeRequest({ '@type': 'PingRequest', identity: null, catalogName: 'c', queryId: 'q' } as never, 9),
    ).toThrow(/serDe version 9/);
    expect(
      JSON.parse(encodeRequest({ '@type': 'PingRequest', identity: null, catalogName: 'c', queryId: 'q' }, 6)),
    ).toMatchObject({ '@type': 'PingRequest', catalogName: 'c', queryId: 'q' });
  });
});

/** The pieces {@link forEachBase64Piece} emits, in order. */
function base64Pieces(chunks: readonly Uint8Array[]): string[] {
  const pieces: string[] = [];
  forEachBase64Piece(chunks, (piece) => pieces.push(piece));
  return pieces;
}

describe('chunked base64', () => {
  it('is the base64 of the concatenated chunks for any split', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 8 }), (chunks) => {
        const whole = Buffer.concat(chunks);
        expect(base64Pieces(chunks).join('')).toBe(encodeBase64(whole));
      }),
      { numRuns: 2000 },
    );
    // Chunks larger than one encoded piece, at every carry.
    const large = Buffer.from(Array.from({ length: 150_001 }, (_, i) => (i * 7) & 0xff));
    for (const first of [0, 1, 2, 49_153]) {
      const chunks = [large.subarray(0, first), large.subarray(first)];
      const pieces = base64Pieces(chunks);
      expect(pieces.length).toBeGreaterThan(2);
      expect(pieces.join('')).toBe(encodeBase64(large));
    }
  });
});

describe('identity', () => {
  it('an identity without configOptions (older engines) is written back with {} as Java does', () => {
    const text =
      '{"@type":"PingRequest","identity":{"id":"UNKNOWN","principal":"UNKNOWN","account":"1","arn":"a","tags":{},"groups":[]},"catalogName":"c","queryId":"q"}';
    const { request } = decodeRequest(text);
    expect(request.identity?.configOptions).toBeUndefined();
    expect(encodeRequest(request, 6)).toBe(text.replace('"groups":[]}', '"groups":[],"configOptions":{}}'));
  });
});
