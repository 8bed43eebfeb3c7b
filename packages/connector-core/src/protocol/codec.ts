/**
 * The public face of the wire codec: both directions for both sides. A connector decodes requests
 * and encodes responses; an engine (local-athena, the test kit, the validator) does the opposite.
 * Requests report the serde version Java's CompositeHandler would answer in.
 */
import { type JsonValue, parseJson, parseJsonDecodingBase64 } from './json-reader.js';
import { JsonByteCounter, JsonOut } from './json-writer.js';
import { requestCodec, responseCodec } from './messages.js';
import { DocumentTooLargeError, ProtocolError, elementPath, memberPath } from './protocol-error.js';
import { NEWEST_SERDE_VERSION, OLDEST_SERDE_VERSION, ReadContext, isJsonObject, mismatch } from './serde.js';
import type { FederationRequest, FederationResponse, LambdaFunctionError } from './types.js';

/** A wire document: JSON text, its UTF-8 bytes, or the object the Lambda runtime already parsed. */
export type WireInput = string | Uint8Array | object;

/** A decoded request and the serde version to answer it in. */
export interface DecodedRequest {
  readonly request: FederationRequest;
  readonly serDeVersion: number;
}

function toJson(input: WireInput): JsonValue {
  if (typeof input === 'string' || input instanceof Uint8Array) return parseJson(input);
  // Already parsed by the Lambda runtime; the codecs check every member's type themselves.
  return input as JsonValue;
}

/** Reads a wire document with `read`, handing it the base64 members the parser decoded on the way. */
function readDocument<T>(
  input: WireInput,
  newContext: () => ReadContext,
  read: (json: JsonValue, ctx: ReadContext) => T,
): T {
  const ctx = newContext();
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return read(toJson(input), ctx);
  const { value, decoded } = parseJsonDecodingBase64(input);
  ctx.useDecoded(decoded);
  return read(value, ctx);
}

function checkVersion(serDeVersion: number): void {
  if (!Number.isInteger(serDeVersion) || serDeVersion < OLDEST_SERDE_VERSION || serDeVersion > NEWEST_SERDE_VERSION) {
    throw new ProtocolError(
      '$',
      `serDe version ${serDeVersion} is not supported (${OLDEST_SERDE_VERSION}–${NEWEST_SERDE_VERSION})`,
    );
  }
}

/**
 * Decodes any request of serde V2–V6. `serDeVersion` is the newest version whose shape the request
 * fits, which is what the Java SDK answers in: e.g. a ReadRecordsRequest whose constraints have only
 * `summary` is answered in V3, a Ping in V6. Throws `ProtocolError` naming the JSON path at fault.
 */
export function decodeRequest(input: WireInput): DecodedRequest {
  return readDocument(
    input,
    () => new ReadContext(),
    (json, ctx) => ({ request: requestCodec.read(json, '$', ctx), serDeVersion: ctx.newestVersion }),
  );
}

/**
 * Encodes a response as compact JSON in `serDeVersion`: Java member order, `@type` first, Arrow
 * framing of that version. Throws `DocumentTooLargeError` when its UTF-8 size exceeds `maxBytes`
 * (checked before the text is made).
 */
export function encodeResponse(
  response: FederationResponse,
  serDeVersion: number,
  maxBytes = Number.POSITIVE_INFINITY,
): string {
  return encodeResponseDocument(response, serDeVersion, maxBytes).text;
}

/** {@link encodeResponse} with the document's UTF-8 size, which the writer knows without scanning the text again. */
export function encodeResponseDocument(
  response: FederationResponse,
  serDeVersion: number,
  maxBytes = Number.POSITIVE_INFINITY,
): { readonly text: string; readonly bytes: number } {
  checkVersion(serDeVersion);
  const out = new JsonOut();
  try {
    responseCodec.write(response, '$', { serDeVersion, out });
    const bytes = out.byteLength;
    if (bytes > maxBytes) throw new DocumentTooLargeError(bytes, maxBytes);
    return { text: out.toString(), bytes };
  } finally {
    out.release();
  }
}

/**
 * The UTF-8 size of `encodeResponse(response, serDeVersion)`, found by running the same writer into a
 * counter: Arrow bodies are framed (views of the column buffers) but never base64-encoded, so it
 * costs a small fraction of the encoding it measures.
 */
export function encodedResponseBytes(response: FederationResponse, serDeVersion: number): number {
  checkVersion(serDeVersion);
  const out = new JsonByteCounter();
  responseCodec.write(response, '$', { serDeVersion, out });
  return out.bytes;
}

/** Engine side: encodes a request for a connector that speaks `serDeVersion`. Refuses members that version would drop. */
export function encodeRequest(request: FederationRequest, serDeVersion: number): string {
  checkVersion(serDeVersion);
  const out = new JsonOut();
  try {
    requestCodec.write(request, '$', { serDeVersion, out });
    return out.toString();
  } finally {
    out.release();
  }
}

/** Engine side: decodes a connector's response, which must fit `serDeVersion`. */
export function decodeResponse(input: WireInput, serDeVersion: number): FederationResponse {
  checkVersion(serDeVersion);
  return readDocument(
    input,
    () => new ReadContext(serDeVersion, serDeVersion, `the negotiated serDe version ${serDeVersion}`),
    (json, ctx) => responseCodec.read(json, '$', ctx),
  );
}

function readLambdaError(value: JsonValue, path: string, depth: number): LambdaFunctionError {
  if (!isJsonObject(value)) return mismatch(path, 'an object (Lambda function error)', value);
  if (depth > 32) throw new ProtocolError(path, 'nests causes too deeply');
  const errorType = value['errorType'];
  const errorMessage = value['errorMessage'];
  if (typeof errorType !== 'string') return mismatch(memberPath(path, 'errorType'), 'a string', errorType);
  if (typeof errorMessage !== 'string') return mismatch(memberPath(path, 'errorMessage'), 'a string', errorMessage);
  const cause = value['cause'];
  const stackTrace = value['stackTrace'];
  const frames =
    stackTrace === undefined || stackTrace === null
      ? undefined
      : Array.isArray(stackTrace)
        ? stackTrace.map((frame, i) => {
            if (typeof frame === 'string') return frame;
            if (Array.isArray(frame) && frame.every((f): f is string => typeof f === 'string')) return frame;
            return mismatch(elementPath(memberPath(path, 'stackTrace'), i), 'a string or an array of strings', frame);
          })
        : mismatch(memberPath(path, 'stackTrace'), 'an array', stackTrace);
  return {
    errorType,
    errorMessage,
    ...(cause === undefined || cause === null
      ? {}
      : { cause: readLambdaError(cause, memberPath(path, 'cause'), depth + 1) }),
    ...(frames === undefined ? {} : { stackTrace: frames }),
  };
}

/** Engine side: reads the function-error document a failed invocation returns (members in any order; `trace` ignored). */
export function decodeLambdaFunctionError(input: WireInput): LambdaFunctionError {
  return readLambdaError(toJson(input), '$', 0);
}

/** Writes a function-error document in the Java runtime's member order (errorMessage, errorType, cause, stackTrace). */
export function encodeLambdaFunctionError(error: LambdaFunctionError): string {
  const parts = [
    `"errorMessage":${JSON.stringify(error.errorMessage)}`,
    `"errorType":${JSON.stringify(error.errorType)}`,
  ];
  if (error.cause !== undefined) parts.push(`"cause":${encodeLambdaFunctionError(error.cause)}`);
  if (error.stackTrace !== undefined) parts.push(`"stackTrace":${JSON.stringify(error.stackTrace)}`);
  return `{${parts.join(',')}}`;
}
