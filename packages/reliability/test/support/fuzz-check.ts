/**
 * The oracle of the request fuzz: what counts as a well-formed answer or a clear error from a
 * connector's Lambda handler, independent of how the handler got there. Answers must decode in
 * the serde version the request asked for and hold only true fixture rows; errors must carry one
 * of the two Java exception classes Athena reacts to, a source error code, a short message, and
 * no secret.
 */
import {
  JavaExceptionTypes,
  decodeRequest,
  decodeResponse,
  readRows,
  type FederationResponse,
} from '@athena-federation/connector-core';
import type { RecordBatch } from 'apache-arrow';
import { PLANTED_SENTINELS } from './sentinels.js';
import { canonical, patientRow } from './targets.js';

/** Longest error message accepted as "clear": Athena shows it to the user; a request echoed back in full is not an explanation. */
export const MAX_ERROR_MESSAGE = 4096;

/** How one invocation ended. */
export type Outcome =
  | { readonly ok: true; readonly response: FederationResponse }
  | { readonly ok: false; readonly code: string };

/** Throws with `label` when a thrown value is not the Lambda error shape core promises; returns its source error code. */
export function checkError(error: unknown, label: string): string {
  if (!(error instanceof Error)) throw new Error(`${label}: threw a non-Error ${String(error)}`);
  if (error.name !== JavaExceptionTypes.connector && error.name !== JavaExceptionTypes.throttle)
    throw new Error(
      `${label}: errorType ${error.name} is not a Java exception class Athena knows (${error.message.slice(0, 300)})`,
    );
  const match = /^\[([A-Za-z]+Exception)\] \S/.exec(error.message);
  if (match === null)
    throw new Error(`${label}: message has no [SourceErrorCode] and text: ${error.message.slice(0, 300)}`);
  if (error.message.length > MAX_ERROR_MESSAGE)
    throw new Error(`${label}: message is ${error.message.length} characters long: ${error.message.slice(0, 300)}…`);
  const leaked = PLANTED_SENTINELS.find((s) => error.message.includes(s));
  if (leaked !== undefined) throw new Error(`${label}: message echoes the planted value ${leaked}`);
  if (error.stack !== undefined && error.stack !== `${error.name}: ${error.message}`)
    throw new Error(`${label}: the error carries a stack trace out of the connector`);
  return match[1] ?? '';
}

/** Every row of `batch` must be the fixture row its `id` names, column by column. Returns the row count. */
export function checkRows(batch: RecordBatch, label: string): number {
  const names = batch.schema.fields.map((f) => f.name.toLowerCase());
  const idColumn = names.indexOf('id');
  for (const values of readRows(batch)) {
    if (idColumn < 0) continue;
    const id = Number(canonical(values[idColumn]));
    const expected = patientRow(id - 1) as unknown as Record<string, string | null>;
    names.forEach((name, i) => {
      if (!(name in expected)) return;
      const actual = canonical(values[i]);
      const held = canonical(expected[name]);
      if (actual !== held)
        throw new Error(
          `${label}: row id ${id} column ${name} read ${JSON.stringify(actual)}, the source holds ${JSON.stringify(held)}`,
        );
    });
  }
  return batch.numRows;
}

/** Throws with `label` unless `result` is a response the engine can decode in the version the request used. */
export function checkResponse(event: unknown, result: unknown, label: string): FederationResponse {
  let version: number;
  try {
    version = decodeRequest(event as object).serDeVersion;
  } catch (error) {
    throw new Error(
      `${label}: the handler answered a request the codec refuses (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (result === null || typeof result !== 'object') throw new Error(`${label}: answered ${typeof result}`);
  const response = decodeResponse(JSON.stringify(result), version);
  if (response['@type'] === 'ReadRecordsResponse') checkRows(response.records.records, label);
  return response;
}
