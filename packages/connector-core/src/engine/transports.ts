/**
 * The ways an engine reaches a connector: a handler in this process, a built Lambda bundle loaded
 * the way the Lambda runtime loads it, or a deployed function invoked through the Lambda API. All
 * speak the same wire, so the engine (local-athena, the validator) cannot tell them apart.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { FederationLambdaHandler } from '../handler/lambda-handler.js';
import { decodeLambdaFunctionError } from '../protocol/codec.js';
import { LambdaInvocationError, type Transport, inProcessTransport } from './engine-driver.js';

/** Where a connector runs. */
export type ConnectorTarget =
  | { readonly kind: 'handler'; readonly handler: FederationLambdaHandler }
  | { readonly kind: 'bundle'; readonly path: string; readonly exportName?: string }
  | { readonly kind: 'lambda'; readonly functionName: string };

/** Parses a target argument: `lambda:<function name or ARN>`, or a bundle path (optionally `#exportName`). */
export function parseConnectorTarget(text: string): ConnectorTarget {
  if (text.startsWith('lambda:')) return { kind: 'lambda', functionName: text.slice('lambda:'.length) };
  const [path = '', exportName] = text.split('#');
  if (path === '') throw new Error(`Connector target ${JSON.stringify(text)} names no bundle`);
  return exportName === undefined ? { kind: 'bundle', path } : { kind: 'bundle', path, exportName };
}

/** The transport for a target. A bundle is imported once, like a Lambda cold start. */
export async function transportFor(target: ConnectorTarget): Promise<Transport> {
  if (target.kind === 'handler') return inProcessTransport(target.handler);
  if (target.kind === 'bundle') {
    const module = (await import(pathToFileURL(resolve(target.path)).href)) as Record<string, unknown>;
    const handler = module[target.exportName ?? 'handler'];
    if (typeof handler !== 'function')
      throw new Error(`${target.path} exports no function ${target.exportName ?? 'handler'}`);
    return inProcessTransport(handler as FederationLambdaHandler);
  }
  const client = new LambdaClient({});
  const functionName = target.functionName;
  return async (payload) => {
    const response = await client.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    const text = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
    if (response.FunctionError !== undefined) throw new LambdaInvocationError(decodeLambdaFunctionError(text));
    return text;
  };
}
