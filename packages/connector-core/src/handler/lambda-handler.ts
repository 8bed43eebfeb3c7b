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
import { errorForLog } from './error-log.js';
import {
  type ConnectionPropertiesMapping,
  type Environment,
  type GlueConnectionReader,
  glueConnectionName,
  resolveEnvironment,
} from './glue-connection.js';
import { ConfigurationError } from '../env-settings.js';
import { type HandlerConfig, loadHandlerConfig } from './handler-config.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES, encodeLambdaResponse } from './lambda-limits.js';
import {
  type AthenaStatusClient,
  type QueryStatusWatch,
  lazyAthenaStatusClient,
  watchQueryStatus,
} from './query-status.js';
import { createS3SpillServices } from '../spill/s3-spill-services.js';
import type { SpillServices } from '../spill/spill-services.js';

/**
 * A connector built from the function's environment. Handing the handler a factory instead of a
 * connector lets Glue connection mode supply that environment: the connector is then built on the
 * first invocation, from `glue_connection`'s settings under the function's own variables.
 */
export interface ConnectorFactory {
  /** The connector's `sourceType`, for logs written before it exists. */
  readonly sourceType: string;
  /**
   * Builds the connector from the resolved environment.
   *
   * @throws {ConfigurationError} naming a variable that is missing or malformed.
   */
  create(env: Environment): Connector;
  /**
   * How this connector's Glue connection properties become variables (Java's
   * `connectionPropertiesToEnvironment`); default: as they are. Core calls it once per Lambda
   * instance, on the first request of a function whose `glue_connection` names a connection, with the
   * connection's properties and its Glue `ConnectionType`.
   */
  readonly connectionProperties?: ConnectionPropertiesMapping;
}

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
  /** The function's variables; default `process.env`. */
  readonly env?: Environment;
  /** Reads the connection `glue_connection` names; default Glue `GetConnection`. */
  readonly readGlueConnection?: GlueConnectionReader;
  /** Asks Athena for a query's state (long reads stop when it has finished); default: `@aws-sdk/client-athena`, loaded on first use. */
  readonly athena?: () => Promise<AthenaStatusClient>;
}

/**
 * The handler signature the Node.js Lambda runtime calls. Tests and local-athena may pass a partial
 * context (only the deadline, say); the runtime's full one also puts the request id, cold start and
 * function ARN on every log line.
 */
export type FederationLambdaHandler = (event: unknown, context?: Partial<Context>) => Promise<object>;

/** Whether `context` is the runtime's: Powertools reads these members for its log fields. */
function isLambdaContext(context: Partial<Context> | undefined): context is Context {
  return (
    typeof context?.awsRequestId === 'string' &&
    typeof context.functionName === 'string' &&
    typeof context.invokedFunctionArn === 'string'
  );
}

/** Decodes a Lambda event; a malformed one is the caller's mistake (InvalidInput), named by its JSON path. */
export function decodeEvent(event: unknown): DecodedRequest {
  try {
    return decodeRequest(event as object);
  } catch (error) {
    if (error instanceof ProtocolError)
      throw new ConnectorError('InvalidInput', `Malformed request: ${error.message}`, { cause: error });
    throw error;
  }
}

function describeRequest(request: FederationRequest): Record<string, string> {
  const attributes: Record<string, string> = { requestType: request['@type'] };
  if ('catalogName' in request) attributes['catalog'] = request.catalogName;
  if ('queryId' in request) attributes['queryId'] = request.queryId;
  if ('tableName' in request && typeof request.tableName === 'object')
    attributes['table'] = `${request.tableName.schemaName}.${request.tableName.tableName}`;
  return attributes;
}

/** What serves requests once the environment is known. */
interface Serving {
  readonly connector: Connector;
  readonly config: HandlerConfig;
  readonly spill: () => SpillServices;
}

function isFactory(target: Connector | ConnectorFactory): target is ConnectorFactory {
  return 'create' in target && typeof target.create === 'function';
}

/** A bad setting the function does not set itself says where it came from: its variables do not show the Glue connection's. */
function fromConnection(error: unknown, env: Environment, resolved: Environment): unknown {
  const connection = glueConnectionName(env);
  if (!(error instanceof ConfigurationError) || connection === undefined || env[error.variable] !== undefined)
    return error;
  const source =
    resolved[error.variable] === undefined
      ? `neither the function nor Glue connection ${JSON.stringify(connection)} sets it`
      : `the value comes from Glue connection ${JSON.stringify(connection)}`;
  return new ConfigurationError(error.variable, `${error.detail} (${source})`, { cause: error });
}

/**
 * Builds the Lambda handler for a connector, or for a {@link ConnectorFactory}. Configuration is
 * read here, at cold start, so a bad setting fails the deployment's first invocation with a message
 * naming the variable. When `glue_connection` is set, Glue is read on the first invocation instead
 * (a network call does not belong in module import) and the result is kept for the life of the
 * instance; a failure names `glue_connection` and Glue's error, and the next invocation tries again.
 */
export function createLambdaHandler(
  target: Connector | ConnectorFactory,
  options: LambdaHandlerOptions = {},
): FederationLambdaHandler {
  const env = options.env ?? process.env;
  const make = isFactory(target) ? (resolved: Environment) => target.create(resolved) : () => target;
  const mapping = isFactory(target) ? target.connectionProperties : undefined;
  const logger = options.logger ?? new Logger({ serviceName: `athena-connector-${target.sourceType}` });
  const athena = options.athena ?? lazyAthenaStatusClient();
  const build = (resolved: Environment): Serving => {
    try {
      const connector = make(resolved);
      const config = options.config ?? loadHandlerConfig(resolved);
      let spill = options.spill;
      return { connector, config, spill: () => (spill ??= createS3SpillServices(config)) };
    } catch (error) {
      throw fromConnection(error, env, resolved);
    }
  };
  let serving: Serving | Promise<Serving> | undefined = glueConnectionName(env) === undefined ? build(env) : undefined;
  const serve = (): Serving | Promise<Serving> => {
    serving ??= resolveEnvironment(env, {
      ...(mapping === undefined ? {} : { mapping }),
      ...(options.readGlueConnection === undefined ? {} : { read: options.readGlueConnection }),
    }).then(
      (resolved) => (serving = build(resolved)),
      (error: unknown) => {
        serving = undefined;
        throw error;
      },
    );
    return serving;
  };

  return async (event, context) => {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const remaining = context?.getRemainingTimeInMillis?.();
    if (remaining !== undefined) {
      const margin = Math.min(options.deadlineMarginMs ?? 10_000, remaining / 2);
      timer = setTimeout(
        () => controller.abort(new ConnectorError('Timeout', 'The Lambda deadline is near')),
        Math.max(remaining - margin, 0),
      );
    }
    logger.resetKeys();
    if (isLambdaContext(context)) logger.addContext(context);
    let watch: QueryStatusWatch | undefined;
    try {
      const { request, serDeVersion } = decodeEvent(event);
      logger.appendKeys({ ...describeRequest(request), serDeVersion });
      const { connector, config, spill } = await configured(serve());
      // Only reads run long enough to outlive their query (a LIMIT met elsewhere, a cancel).
      if (
        request['@type'] === 'ReadRecordsRequest' &&
        config.queryStatusCheckIntervalMs > 0 &&
        request.queryId !== ''
      ) {
        watch = watchQueryStatus({
          queryId: request.queryId,
          intervalMs: config.queryStatusCheckIntervalMs,
          client: athena,
          logger,
        });
      }
      const ctx: ConnectorContext = {
        queryId: 'queryId' in request ? request.queryId : '',
        catalogName: 'catalogName' in request ? request.catalogName : '',
        identity: request.identity,
        signal: watch === undefined ? controller.signal : AbortSignal.any([controller.signal, watch.signal]),
        logger,
        config,
      };
      const response = await dispatch(connector, request, ctx, {
        config,
        spill: spill(),
        maxSplitsPerResponse: options.maxSplitsPerResponse ?? 1000,
        responseLimit: { serDeVersion, maxBytes: LAMBDA_RESPONSE_LIMIT_BYTES },
      });
      const json = encodeLambdaResponse(response, serDeVersion);
      logger.info('request done', {
        responseType: response['@type'],
        responseBytes: json.bytes,
        durationMs: Math.round(performance.now() - started),
      });
      // The runtime JSON.stringifies what we return (a string would be double-encoded), and keeps
      // insertion order, so the Java member order survives.
      return JSON.parse(json.text) as object;
    } catch (error) {
      const failure = toConnectorError(error, 'serving the request');
      const wire = toLambdaError(failure);
      // Powertools' `error` field: the failure's name, text and stack, and its causes' names, codes and
      // stacks. What Athena is told stays as it was (`wire`).
      logger.error('request failed', {
        reason: failure.reason,
        errorType: wire.name,
        durationMs: Math.round(performance.now() - started),
        error: errorForLog(failure),
      });
      throw wire;
    } finally {
      clearTimeout(timer);
      watch?.stop();
    }
  };
}

/** The serving state, a configuration failure turned into the error Athena shows (its message names the variable). */
async function configured(serving: Serving | Promise<Serving>): Promise<Serving> {
  try {
    return await serving;
  } catch (error) {
    if (error instanceof ConfigurationError) throw new ConnectorError('InvalidInput', error.message, { cause: error });
    throw error;
  }
}
