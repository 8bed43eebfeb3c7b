// The SQL is Athena's: it parses with Trino's grammar, and — translated by local-athena's dialect
// layer and run by DuckDB over the generated rows loaded as plain tables — agrees with the rule in
// TypeScript, so the federated run (which adds connectors and local-athena) has a checked query.
import { DuckDBInstance } from '@duckdb/node-api';
import { installAthenaDialect, parseTrinoSql, translateAthenaSql } from '@athena-federation/local-athena';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { urgentCareFlags, urgentCareSql } from '../src/urgent-care.js';

describe('urgent-care SQL', () => {
  it("is Athena SQL: it parses with Trino's grammar, and none of DuckDB's spellings Athena refuses is in it", () => {
    const sql = urgentCareSql('2026-11-20', { ehr: 'ehr', devices: 'devices', ehrSchema: 'ehr' });
    expect(() => parseTrinoSql(sql)).not.toThrow();
    // Athena needs quoted interval values, listagg (no string_agg) and strings on both sides of ||.
    expect(sql).not.toMatch(/INTERVAL \d|string_agg|::/);
    expect(() => translateAthenaSql(sql)).not.toThrow();
  });

  it('flags exactly the patients the TypeScript rule flags, for the same reasons', async () => {
    const data = generate({ patients: 120 });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await installAthenaDialect(c);
    await c.run(
      "ATTACH ':memory:' AS ehr; CREATE SCHEMA ehr.ehr; ATTACH ':memory:' AS devices; CREATE SCHEMA devices.\"default\";",
    );
    await c.run(
      'CREATE TABLE ehr.ehr.patients (patient_id INTEGER, mrn VARCHAR, full_name VARCHAR, birth_date DATE, sex VARCHAR)',
    );
    await c.run(
      'CREATE TABLE ehr.ehr.conditions (condition_id INTEGER, patient_id INTEGER, icd10_code VARCHAR, description VARCHAR, onset_date DATE)',
    );
    await c.run(
      'CREATE TABLE ehr.ehr.claim_lines (claim_id INTEGER, line_no INTEGER, patient_id INTEGER, service_date DATE, procedure_code VARCHAR, amount DECIMAL(12,2), status VARCHAR)',
    );
    await c.run(
      'CREATE TABLE devices."default".device_readings (patient_id BIGINT, reading_time VARCHAR, steps BIGINT, sleep_minutes BIGINT, resting_pulse BIGINT)',
    );
    const insert = async (table: string, rows: readonly object[]) => {
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await c.run(
          `INSERT INTO ${table} SELECT * FROM (VALUES ${chunk
            .map(
              (r) =>
                `(${Object.values(r)
                  .map((v) => (typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`))
                  .join(', ')})`,
            )
            .join(', ')})`,
        );
      }
    };
    await insert('ehr.ehr.patients', data.patients);
    await insert('ehr.ehr.conditions', data.conditions);
    await insert('ehr.ehr.claim_lines', data.claims);
    await insert('devices."default".device_readings', data.readings);
    const result = await c.runAndReadAll(translateAthenaSql(urgentCareSql(data.asOf)).duckdbSql);
    const columns = result.columnNames();
    const flagged = result.getRows().map((row) => ({
      patient_id: Number(row[columns.indexOf('patient_id')]),
      reason: String(row[columns.indexOf('reason')]),
    }));
    c.closeSync();
    db.closeSync();
    const expected = urgentCareFlags(data);
    expect(expected.length).toBeGreaterThan(0);
    expect(flagged).toEqual(expected);
  });
});
