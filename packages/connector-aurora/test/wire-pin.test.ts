/**
 * Pins the mysql2 internals the wire decoder's packet path relies on (src/wire/wire-execute.ts) to
 * the version in the lockfile: when mysql2 is upgraded, this file fails first and says which
 * assumption broke, rather than the read path misbehaving.
 */
import { createRequire } from 'node:module';
import mysql, { type Connection } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED_MYSQL2_VERSION, endStatusFlags, installWireStates, isResultEnd } from '../src/wire/wire-execute.js';
import { MARIADB } from './support/mariadb.js';

const require = createRequire(import.meta.url);
const CLIENT_DEPRECATE_EOF = 1 << 24;

let connection: Connection;

beforeAll(async () => {
  connection = mysql.createConnection({ ...MARIADB, connectTimeout: 3000 });
  await new Promise<void>((resolve, reject) =>
    connection.connect((error) => (error === null ? resolve() : reject(error))),
  );
});

afterAll(() => connection?.destroy());

/** mysql2's Execute command for `sql`, queued on the connection (it runs once the test listens). */
function executeCommand(sql: string): Record<string, unknown> & {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
} {
  return connection.execute(sql) as unknown as ReturnType<typeof executeCommand>;
}

describe(`mysql2 internals the wire path uses (pinned to ${PINNED_MYSQL2_VERSION})`, () => {
  it('is the version in package.json and the lockfile', () => {
    // Prepare / Act
    const installed = (require('mysql2/package.json') as { version: string }).version;
    const declared = (require('../package.json') as { dependencies: Record<string, string> }).dependencies['mysql2'];
    // Assess: upgrading mysql2 means re-reading execute.js and query.js, then moving the pin
    expect({ installed, declared }).toEqual({ installed: PINNED_MYSQL2_VERSION, declared: PINNED_MYSQL2_VERSION });
  });

  it('has the Execute command states the wire states replace, chained through `this`', async () => {
    // Prepare
    const command = executeCommand('SELECT 1');
    const prototype = Object.getPrototypeOf(command) as Record<string, (...args: unknown[]) => unknown>;
    // Act
    const source = (name: string) => String(prototype[name]);
    await new Promise((resolve) => command.once('end', resolve));
    // Assess: resultsetHeader must look readField up on the instance, or our readField is never called
    expect(source('resultsetHeader')).toContain('return this.readField;');
    expect(source('readField')).toContain('return Execute.prototype.fieldsEOF;');
    expect(source('readField')).toContain('this._fields[this._resultIndex].push(field)');
    expect(source('fieldsEOF')).toContain('packet.isEOF()');
    expect(typeof prototype['done']).toBe('function');
    expect(String(Object.getPrototypeOf(Object.getPrototypeOf(command)).execute)).toContain(
      'this.next = this.next(packet, connection);',
    );
  });

  it('hands every row packet to the wire states and builds no JavaScript rows', async () => {
    // Prepare
    const command = executeCommand("SELECT seq, CONCAT(seq, 'é') FROM test.seq_1_to_2500");
    const received: number[] = [];
    let fieldCount = 0;
    let mysql2Rows = 0;
    installWireStates(command as unknown as Parameters<typeof installWireStates>[0], {
      fields: (fields) => {
        fieldCount = fields.length;
      },
      row: (buffer, start, end) => received.push(end - start > 0 ? (buffer[start] as number) : -1),
      failed: (error) => {
        throw error;
      },
    });
    command.on('result', () => mysql2Rows++);
    // Act
    await new Promise((resolve, reject) => {
      command.once('end', resolve);
      command.once('error', reject);
    });
    // Assess: binary rows all start with 0x00; mysql2's own row parser never ran
    expect({ fieldCount, rows: received.length, headers: [...new Set(received)], mysql2Rows }).toEqual({
      fieldCount: 2,
      rows: 2500,
      headers: [0],
      mysql2Rows: 0,
    });
  });

  it('does not negotiate CLIENT_DEPRECATE_EOF, so results end with a classic EOF packet', () => {
    // Prepare / Act
    const negotiated = (connection.config as unknown as { clientFlags: number }).clientFlags;
    // Assess: the OK-packet ending is still read (next test), but only this one arrives for real
    expect(negotiated & CLIENT_DEPRECATE_EOF).toBe(0);
  });

  it('reads the status flags of both endings: a classic EOF and a CLIENT_DEPRECATE_EOF OK packet', () => {
    // Prepare: the payloads as the protocol documents them (header, warnings/affected rows, status)
    const eof = Buffer.from([0xfe, 0x00, 0x00, 0x22, 0x00]);
    const ok = Buffer.from([0xfe, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00]);
    const okWithLongCounts = Buffer.from([0xfe, 0xfc, 0x10, 0x27, 0xfd, 0x01, 0x02, 0x03, 0x08, 0x00, 0x00, 0x00]);
    const row = Buffer.from([0x00, 0x00, 0x01]);
    // Act / Assess
    expect(
      [eof, ok, okWithLongCounts, row].map((buffer) => isResultEnd({ buffer, offset: 0, end: buffer.length })),
    ).toEqual([true, true, true, false]);
    expect(endStatusFlags(eof, 0, eof.length)).toBe(0x22);
    expect(endStatusFlags(ok, 0, ok.length)).toBe(0x0a);
    expect(endStatusFlags(okWithLongCounts, 0, okWithLongCounts.length)).toBe(0x08);
  });
});
