/**
 * One local-athena with no catalogs, for queries over literals: each answer as Athena prints it.
 */
import { LocalAthena, athenaTextInZone } from '../../src/index.js';

/** Runs Athena SQL and reads back printed values. */
export interface AthenaSession {
  /** Every row, each value as Athena prints it. */
  rows(sql: string): Promise<string[][]>;
  /** The first row's first value. */
  value(sql: string): Promise<string>;
  columns(sql: string): Promise<readonly string[]>;
  close(): Promise<void>;
}

export async function openAthenaSession(): Promise<AthenaSession> {
  const athena = await LocalAthena.create({ catalogs: {} });
  const rows = async (sql: string) => {
    const result = await athena.query(sql);
    return result.rows.map((row) => row.map((value, i) => athenaTextInZone(value, result.columnZones[i])));
  };
  return {
    rows,
    value: async (sql) => (await rows(sql))[0]?.[0] ?? '(no row)',
    columns: async (sql) => (await athena.query(sql)).columns,
    close: () => athena.close(),
  };
}
