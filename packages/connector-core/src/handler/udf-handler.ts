/**
 * Scalar user-defined functions (`USING EXTERNAL FUNCTION … LAMBDA`): Athena sends a block of
 * argument columns and expects a block of the same row count in the declared output schema. Each
 * function works on whole columns, so there is no per-row dispatch overhead beyond its own loop.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Vector } from 'apache-arrow';
import { readValue } from '../arrow/block-reader.js';
import { RecordBatchWriter } from '../arrow/block-writer/index.js';
import { blockOf } from '../arrow/value-block.js';
import { ConnectorError, toConnectorError, toLambdaError } from '../errors.js';
import type { FederationResponse } from '../protocol/types.js';
import { PING_CAPABILITIES, PING_SERDE_VERSION } from './dispatcher.js';
import { errorForLog } from './error-log.js';
import { type FederationLambdaHandler, decodeEvent } from './lambda-handler.js';
import { encodeLambdaResponse } from './lambda-limits.js';

/**
 * One scalar function: gets the argument columns (in the query's order) and the row count, and
 * returns one result per row as JS values (converted to the output type like connector rows).
 */
export type ScalarFunction = (
  columns: readonly Vector[],
  rows: number,
) => readonly unknown[] | Promise<readonly unknown[]>;

/** Every value of a column as JS values (the block reader's conventions). */
export function columnValues(column: Vector): unknown[] {
  return Array.from({ length: column.length }, (_, i) => readValue(column, i));
}

/**
 * Builds the Lambda handler for a set of scalar UDFs, keyed by the name Athena calls
 * (`methodName`, matched case-insensitively since Athena lower-cases identifiers).
 */
export function createUdfHandler(
  functions: Readonly<Record<string, ScalarFunction>>,
  options: { readonly sourceType?: string; readonly logger?: Logger } = {},
): FederationLambdaHandler {
  const byName = new Map(Object.entries(functions).map(([name, fn]) => [name.toLowerCase(), fn]));
  const logger = options.logger ?? new Logger({ serviceName: `athena-udf-${options.sourceType ?? 'functions'}` });
  return async (event) => {
    try {
      const { request, serDeVersion } = decodeEvent(event);
      let response: FederationResponse;
      if (request['@type'] === 'PingRequest') {
        response = {
          '@type': 'PingResponse',
          catalogName: request.catalogName,
          queryId: request.queryId,
          sourceType: options.sourceType ?? 'udf',
          capabilities: PING_CAPABILITIES,
          serDeVersion: PING_SERDE_VERSION,
        };
      } else if (request['@type'] === 'UserDefinedFunctionRequest') {
        const fn = byName.get(request.methodName.toLowerCase());
        if (fn === undefined)
          throw new ConnectorError(
            'NotFound',
            `No function named ${request.methodName} (this Lambda has ${[...byName.keys()].join(', ') || 'none'})`,
          );
        if (request.outputSchema.fields.length !== 1)
          throw new ConnectorError(
            'InvalidInput',
            `A scalar UDF returns one column; the output schema has ${request.outputSchema.fields.length}`,
          );
        const input = request.inputRecords.records;
        const columns = input.schema.fields.map((_, i) => input.getChildAt(i)).filter((c): c is Vector => c !== null);
        const results = await fn(columns, input.numRows);
        if (results.length !== input.numRows)
          throw new ConnectorError(
            'Internal',
            `Function ${request.methodName} returned ${results.length} values for ${input.numRows} rows`,
          );
        const writer = new RecordBatchWriter(request.outputSchema);
        for (const value of results) writer.appendRow([value]);
        response = {
          '@type': 'UserDefinedFunctionResponse',
          records: blockOf(writer.finish()),
          methodName: request.methodName,
        };
      } else {
        throw new ConnectorError('Unsupported', `This Lambda serves scalar UDFs; it cannot answer ${request['@type']}`);
      }
      return JSON.parse(encodeLambdaResponse(response, serDeVersion).text) as object;
    } catch (error) {
      const failure = toConnectorError(error, 'running the function');
      logger.error('udf request failed', { reason: failure.reason, error: errorForLog(failure) });
      throw toLambdaError(failure);
    }
  };
}
