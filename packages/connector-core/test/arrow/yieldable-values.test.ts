// The table of values readSplit may yield stays true: every listed value is accepted and reads back
// as listed, every listed refusal is refused with a reason and a remedy, the writer's JSDoc and the
// core README show exactly this table, and no refusal's message quotes the value.
import { readFileSync } from 'node:fs';

import { Field, type RecordBatch, Schema, type DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { readRows } from '../../src/arrow/block-reader.js';
import { RecordBatchWriter, ValueCoercionError, buildRecordBatch } from '../../src/arrow/block-writer/index.js';
import {
  decodeRecordBatchBytes,
  decodeSchemaMessage,
  encodeRecordBatchMessage,
  encodeSchemaMessage,
} from '../../src/arrow/ipc.js';
import { YIELDABLE_VALUES, renderYieldableValues, sourceOf } from './yieldable-values.js';

function single(type: DataType): Schema {
  return new Schema([new Field('c', type, true)]);
}

/** The column's values read directly and after the wire's legacy IPC framing (which must agree). */
function readBack(batch: RecordBatch): unknown[] {
  const direct = readRows(batch).map((row) => row[0]);
  const decoded = readRows(
    decodeRecordBatchBytes(
      encodeRecordBatchMessage(batch, 'legacy'),
      decodeSchemaMessage(encodeSchemaMessage(batch.schema, 'legacy')),
    ),
  ).map((row) => row[0]);
  expect(decoded).toEqual(direct);
  return direct;
}

function refusal(type: DataType, value: unknown): ValueCoercionError {
  const writer = new RecordBatchWriter(single(type));
  writer.appendRow([null]);
  try {
    writer.appendRow([value]);
  } catch (error) {
    expect(error).toBeInstanceOf(ValueCoercionError);
    return error as ValueCoercionError;
  }
  throw new Error(`${sourceOf(value)} was accepted`);
}

describe.each(YIELDABLE_VALUES.map((entry) => [entry.arrowType, entry] as const))(
  '%s',
  (arrowType, { type, accepts, refuses }) => {
    it.each(accepts.map((accepted) => [accepted.kind, accepted] as const))(
      'accepts %s and reads it back as listed',
      (_kind, { example, readsAs }) => {
        expect(readBack(buildRecordBatch(single(type), [[example], [null]]))).toEqual([readsAs, null]);
      },
    );

    it.each(refuses.map((refused) => [refused.kind, refused] as const))(
      'refuses %s, saying why and what to yield',
      (_kind, { example, because, column = 'c' }) => {
        const error = refusal(type, example);
        expect(error.column).toBe(column);
        if (column === 'c') expect(error.arrowType).toBe(arrowType);
        expect(error.row).toBe(1);
        expect(error.reason).toContain(because);
        expect(error.remedy).toMatch(/^yield /);
        expect(error.message).toContain(
          `column ${JSON.stringify(column)} (${error.arrowType}) at row 1: ${error.reason}; ${error.remedy}`,
        );
        expect(error.message).toContain(error.valueType);
      },
    );
  },
);

describe('the documented table', () => {
  const table = renderYieldableValues();

  it('is the one in the core README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const shown = /<!-- yieldable-values:start -->\n([\s\S]*?)\n<!-- yieldable-values:end -->/.exec(readme)?.[1];
    expect(shown).toBe(table);
  });

  it("is the one in RecordBatchWriter's JSDoc", () => {
    const source = readFileSync(
      new URL('../../src/arrow/block-writer/record-batch-writer.ts', import.meta.url),
      'utf8',
    );
    const shown = /<!-- yieldable-values:start -->\n([\s\S]*?)\n \* <!-- yieldable-values:end -->/.exec(source)?.[1];
    expect(
      shown
        ?.split('\n')
        .map((line) => line.replace(/^ \* /, ''))
        .join('\n'),
    ).toBe(table);
  });
});

describe('refusal messages', () => {
  /** Values a plugin might yield from patient data, with the fragments of each a leak would show. */
  const SENTINELS: ReadonlyArray<readonly [unknown, readonly string[]]> = [
    ['Jane Q. Patient, MRN 4711-0815', ['Jane', 'Patient', '4711', '0815']],
    [987_654.321, ['987654', '654.321', '9.87654321']],
    [98_765_432_109_876_543_210_987_654_321n, ['98765432109876543210', '9.876543210987654']],
    [new Date('1984-07-31T12:34:56.789Z'), ['1984', '12:34:56', String(Date.parse('1984-07-31T12:34:56.789Z'))]],
    ['1984-07-31T12:34:56.123456789+05:30', ['1984', '12:34:56', '123456789', '+05:30']],
    [{ epochMillis: 459_952_496_789, zone: 'Pacific/Chatham' }, ['459952496789', 'Chatham']],
    [
      [4711.5, 'Jane'],
      ['4711', 'Jane'],
    ],
  ];

  it.each(YIELDABLE_VALUES.map((entry) => [entry.arrowType, entry.type] as const))(
    'for %s never quote the value',
    (_name, type) => {
      let refused = 0;
      for (const [value, fragments] of SENTINELS) {
        let error: unknown;
        try {
          buildRecordBatch(single(type), [[value]]);
        } catch (caught) {
          error = caught;
        }
        if (error === undefined) continue;
        expect(error).toBeInstanceOf(ValueCoercionError);
        refused++;
        const { message, reason, remedy } = error as ValueCoercionError;
        for (const fragment of fragments)
          expect(`${message}\n${reason}\n${remedy}`, sourceOf(value)).not.toContain(fragment);
        expect((error as ValueCoercionError).cause).toBeUndefined();
      }
      // Most sentinels are refused by every type, so the check above cannot pass by refusing nothing.
      expect(refused).toBeGreaterThanOrEqual(4);
    },
  );

  it('never quote any refused value of the table', () => {
    for (const { type, refuses } of YIELDABLE_VALUES) {
      for (const { example } of refuses) {
        const { message } = refusal(type, example);
        const shown = sourceOf(example);
        // Short values ('abc', 1.5) can appear in the fixed wording by chance; the sentinels above cover those kinds.
        if (shown.length >= 6) expect(message, shown).not.toContain(shown);
        if (typeof example === 'string' && example.length >= 6) expect(message, shown).not.toContain(example);
      }
    }
  });
});
