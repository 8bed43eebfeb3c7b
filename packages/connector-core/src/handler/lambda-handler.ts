/**
 * The AWS Lambda adapter: a thin shell around the codec and the dispatcher, as tRPC's Lambda
 * adapter is around `resolveResponse`. It reads the event in whatever form the runtime delivers,
 * answers in the serde version the request arrived in, logs one structured line per request, and
 * turns every failure into the Java exception class Athena reacts to.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, toConnectorError, toLambdaError } from '../errors.js';
import { type DecodedRequest, decodeRequest } from '../protocol/codec.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import type { FederationRequest } from '../protocol/types.js';
import { dispatch } from './dispatcher.js';
import { type HandlerConfig, loadHandlerConfig } from './handler-config.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, encodeLambdaResponse } from './lambda-limits.js';
import { createS3SpillServices } from './s3-spill-services.js';
import type { SpillServices } from './spill-services.js';

/** Options for {@link createLambdaHandler}; everything defaults to the Lambda environment. */
export interface LambdaHandlerOptions {
  /** Typed configuration instead of reading environment variables. */
  readonly config?: HandlerConfig;
  readonly logger?: Logger;
  /** Spill storage; default: S3 (and KMS when `kms_key_id` is set) from the standard AWS SDK environment. */
  readonly spill?: SpillServices;
  /** Time kept back from the Lambda deadline to answer cleanly (default 10 s, at most half the remaining time). */
  readonly deadlineMarginMs?: number;
  /** Splits per GetSplits response before core pages them (default 1000). */
  readonly maxSplitsPerResponse?: number;
}

/** The handler signature the Node.js Lambda runtime calls. */
export type FederationLambdaHandler = (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>) => Promise<object>;

/** Decodes a Lambda event; a malformed one is the caller's mistake (InvalidInput), named by its JSON path. */
export function decodeEvent(event: unknown): DecodedRequest {
  try {
    return decodeRequest(event as object);
  } catch (error) {
    if (error instanceof ProtocolError) throw new ConnectorError('InvalidInput', `Malformed request: ${error.message}`, { cause: error });
    throw error;
  }
}

function describeRequest(request: FederationRequest): Record<string, string> {
  const attributes: Record<string, string> = { requestType: request['@type'] };
  if ('catalogName' in request) attributes['catalog'] = request.catalogName;
  if ('queryId' in request) attributes['queryId'] = request.queryId;
  if ('tableName' in request && typeof request.tableName === 'object') attributes['table'] = `${request.tableName.schemaName}.${request.tableName.tableName}`;
  return attributes;
}

/**
 * Builds the Lambda handler for a connector. Configuration is read here, at cold start, so a bad
 * setting fails the deployment's first invocation with a message naming the variable.
 */
export function createLambdaHandler(connector: Connector, options: LambdaHandlerOptions = {}): FederationLambdaHandler {
  const config = options.config ?? loadHandlerConfig();
  const logger = options.logger ?? new Logger({ serviceName: `athena-connector-${connector.sourceType}` });
  let spill = options.spill;
  const dispatchOptions = (serDeVersion: number) => {
    spill ??= createS3SpillServices(config);
    return { spill, maxSplitsPerResponse: options.maxSplitsPerResponse ?? 1000, responseLimit: { serDeVersion, maxBytes: LAMBDA_RESPONSE_LIMIT_BYTES } };
  };

  return async (event, context) => {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const remaining = context?.getRemainingTimeInMillis();
    if (remaining !== undefined) {
      const margin = Math.min(options.deadlineMarginMs ?? 10_000, remaining / 2);
      timer = setTimeout(() => controller.abort(new ConnectorError('Timeout', 'The Lambda deadline is near')), Math.max(remaining - margin, 0));
    }
    logger.resetKeys();
    try {
      const { request, serDeVersion } = decodeEvent(event);
      logger.appendKeys({ ...describeRequest(request), serDeVersion });
      const ctx: ConnectorContext = {
        queryId: 'queryId' in request ? request.queryId : '',
        catalogName: 'catalogName' in request ? request.catalogName : '',
        identity: request.identity,
        signal: controller.signal,
        logger,
        config,
      };
      const response = await dispatch(connector, request, ctx, dispatchOptions(serDeVersion));
      const json = encodeLambdaResponse(response, serDeVersion);
      logger.info('request done', { responseType: response['@type'], responseBytes: json.bytes, durationMs: Math.round(performance.now() - started) });
      // The runtime JSON.stringifies what we return (a string would be double-encoded), and keeps
      // insertion order, so the Java member order survives.
      return JSON.parse(json.text) as object;
    } catch (error) {
      const failure = toConnectorError(error, 'serving the request');
      const wire = toLambdaError(failure);
      // The capped text Athena gets: a message echoing a megabyte-long request value must not flood the logs either.
      logger.error('request failed', { reason: failure.reason, message: wire.message, durationMs: Math.round(performance.now() - started), ...(failure.cause instanceof Error ? { cause: failure.cause.name } : {}) });
      throw wire;
    } finally {
      clearTimeout(timer);
    }
  };
}
