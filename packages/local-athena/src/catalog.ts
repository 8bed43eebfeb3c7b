/**
 * How local-athena reaches a catalog's connector: a handler in this process, a built Lambda bundle
 * loaded the way the Lambda runtime loads it, or a deployed function invoked through the Lambda
 * API. All three speak the same wire, so the engine cannot tell them apart.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type FederationLambdaHandler, LambdaInvocationError, type Transport, decodeLambdaFunctionError, inProcessTransport } from '@athena-federation/connector-core';

/** Where a catalog's connector runs. */
export type CatalogTarget =
  | { readonly kind: 'handler'; readonly handler: FederationLambdaHandler }
  | { readonly kind: 'bundle'; readonly path: string; readonly exportName?: string }
  | { readonly kind: 'lambda'; readonly functionName: string };

/** Athena's catalog-name rule: letters, digits, `_`, `-`, `@`, at most 127 characters (lower-cased in SQL). */
export function checkCatalogName(name: string): string {
  if (!/^[A-Za-z0-9_@-]{1,127}$/.test(name)) throw new Error(`Catalog name ${JSON.stringify(name)} is not valid: use letters, digits, _, - or @ (at most 127)`);
  return name.toLowerCase();
}

/**
 * Parses a `--catalog NAME=TARGET` argument: TARGET is a path to a bundle (`.mjs`/`.js`, optionally
 * `#exportName`) or `lambda:<function name or ARN>`.
 */
export function parseCatalogArgument(argument: string): { name: string; target: CatalogTarget } {
  const at = argument.indexOf('=');
  if (at <= 0) throw new Error(`--catalog ${JSON.stringify(argument)} must be NAME=TARGET`);
  const name = checkCatalogName(argument.slice(0, at));
  const target = argument.slice(at + 1);
  if (target.startsWith('lambda:')) return { name, target: { kind: 'lambda', functionName: target.slice('lambda:'.length) } };
  const [path = '', exportName] = target.split('#');
  return { name, target: exportName === undefined ? { kind: 'bundle', path } : { kind: 'bundle', path, exportName } };
}

/** The transport for a target. Bundles are imported once. */
export async function transportFor(target: CatalogTarget): Promise<Transport> {
  if (target.kind === 'handler') return inProcessTransport(target.handler);
  if (target.kind === 'bundle') {
    const module = (await import(pathToFileURL(resolve(target.path)).href)) as Record<string, unknown>;
    const handler = module[target.exportName ?? 'handler'];
    if (typeof handler !== 'function') throw new Error(`${target.path} exports no function ${target.exportName ?? 'handler'}`);
    return inProcessTransport(handler as FederationLambdaHandler);
  }
  const client = new LambdaClient({});
  const functionName = target.functionName;
  return async (payload) => {
    const response = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
    const text = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
    if (response.FunctionError !== undefined) throw new LambdaInvocationError(decodeLambdaFunctionError(text));
    return JSON.parse(text) as unknown;
  };
}
