/**
 * Test support: the injection corpus both engines' tests run (injection.test.ts on MariaDB,
 * postgres-injection.test.ts on PostgreSQL): a table and column with hostile names holding hostile
 * values, found through name resolution, summary constraints, V4 expressions (=, IN, LIKE, NULLIF),
 * top-N ORDER BY and split reads; every answer exact, the canary table untouched.
 */
import { StandardFunctionNames as F, type TableName, readValue } from '@athena-federation/connector-core';
import { Int32, Utf8 } from 'apache-arrow';
import { expect, it } from 'vitest';
import type { AuroraConnector } from '../../src/index.js';
import { engineFor } from './engine.js';
import { call, column, constant, predicate } from './expressions.js';
import { equals, inList, ranges } from './value-sets.js';

/** What the corpus runs against. */
export interface InjectionTarget {
  readonly connector: () => AuroraConnector;
  /** The hostile table, as Athena names it (lower case). */
  readonly table: () => TableName;
  /** The hostile column, as the source spells it. */
  readonly column: string;
  /** The values the table holds, row i + 1 holding corpus[i]. */
  readonly corpus: readonly string[];
  /** Constants no row holds, added to IN lists of the summary: they must match nothing and fail nothing. */
  readonly strangers: readonly string[];
  readonly canaryRows: () => Promise<number>;
}

/** Declares the corpus's tests (call inside a describe). */
export function injectionCases(options: InjectionTarget): void {
  it('lists and describes a table whose name and column are hostile', async () => {
    const d = engineFor(options.connector());
    const tables = await d.listTables(options.table().schemaName);
    expect(tables.map((t) => t.tableName)).toContain(options.table().tableName);
    const response = await d.getTable(options.table());
    expect(response.schema.fields.map((f) => f.name)).toEqual(['id', options.column]);
  });

  it('reads every hostile value back exactly', async () => {
    const result = await engineFor(options.connector()).scan(options.table());
    const values = result.table.batches.flatMap((b) =>
      Array.from({ length: b.numRows }, (_, i) => readValue(b.getChild(options.column) ?? (undefined as never), i)),
    );
    expect(values.sort()).toEqual([...options.corpus].sort());
  });

  it.each(options.corpus.map((text, i) => [i + 1, text] as const))(
    'finds row %i by its hostile constant (= and IN)',
    async (id, text) => {
      for (const set of [equals(new Utf8(), text), inList(new Utf8(), [text, "' OR 1=1 --", ...options.strangers])]) {
        const result = await engineFor(options.connector()).scan(options.table(), {
          constraints: { summary: { [options.column]: set } },
        });
        expect(result.table.numRows).toBe(1);
        expect(readValue(result.table.batches[0]?.getChild('id') ?? (undefined as never), 0)).toBe(id);
      }
      expect(await options.canaryRows()).toBe(3);
    },
  );

  it.each(options.corpus.map((text, i) => [i + 1, text] as const))(
    'finds row %i by its hostile constant through expressions (=, IN, LIKE, NULLIF)',
    async (id, text) => {
      const value = column(options.column, new Utf8());
      const literal = (t: string) => constant(new Utf8(), t);
      // The constant as a LIKE pattern without wildcards, escaped with '#'.
      const pattern = [...text].map((c) => (c === '%' || c === '_' || c === '#' ? `#${c}` : c)).join('');
      const expressions = [
        predicate(F.equal, value, literal(text)),
        predicate(F.in, value, constant(new Utf8(), [text, "' OR 1=1 --"])),
        predicate(F.likePattern, value, literal(pattern), literal('#')),
        predicate(F.isNull, call(F.nullIf, new Utf8(), value, literal(text))),
      ];
      for (const expression of expressions) {
        const result = await engineFor(options.connector()).scan(options.table(), {
          constraints: { expression: [expression], limit: 5n },
        });
        expect(result.table.numRows, JSON.stringify(expression)).toBe(1);
        expect(readValue(result.table.batches[0]?.getChild('id') ?? (undefined as never), 0)).toBe(id);
      }
      expect(await options.canaryRows()).toBe(3);
    },
  );

  it('sorts hostile values for a top-N by code point, with the hostile column name quoted', async () => {
    const result = await engineFor(options.connector()).scan(options.table(), {
      constraints: { orderByClause: [{ columnName: options.column, direction: 'DESC_NULLS_LAST' }], limit: 4n },
    });
    const values = result.table.batches.flatMap((b) =>
      Array.from({ length: b.numRows }, (_, i) => readValue(b.getChild(options.column) ?? (undefined as never), i)),
    );
    const byCodePoint = (a: string, b: string) => {
      const x = [...a].map((c) => c.codePointAt(0) ?? 0);
      const y = [...b].map((c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return x.length - y.length;
    };
    expect(values).toEqual([...options.corpus].sort(byCodePoint).reverse().slice(0, 4));
    expect(await options.canaryRows()).toBe(3);
  });

  it('pushes hostile ranges safely and keeps the canary table', async () => {
    const result = await engineFor(options.connector()).scan(options.table(), {
      constraints: {
        summary: {
          [options.column]: ranges(new Utf8(), [{ low: "'; DROP TABLE canary; --", high: '`' }]),
          id: ranges(new Int32(), [{ low: 1, high: 13 }]),
        },
      },
    });
    const expected = options.corpus.filter((t) => t >= "'; DROP TABLE canary; --" && t <= '`').length;
    expect(result.table.numRows).toBe(expected);
    expect(await options.canaryRows()).toBe(3);
  });
}
