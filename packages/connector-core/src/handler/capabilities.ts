/**
 * GetDataSourceCapabilities: what the connector declares, plus the query-passthrough signature when
 * the connector offers one and `enable_query_passthrough` allows it — and nothing it does not
 * implement, since Athena pushes down whatever is advertised.
 */
import type { Connector, ConnectorContext } from '../connector.js';
import { OptimizationSubTypes, type DataSourceCapabilities, type OptimizationSubType } from '../protocol/types.js';

/** The capabilities map to answer with. */
export function connectorCapabilities(connector: Connector, ctx: ConnectorContext): DataSourceCapabilities {
  const declared = connector.capabilities?.(ctx) ?? {};
  const signature = connector.queryPassthrough;
  if (signature === undefined || connector.getQueryPassthroughSchema === undefined || !ctx.config.enableQueryPassthrough) return declared;
  const name = `${signature.schema}.${signature.name}`.toUpperCase();
  const passthrough: OptimizationSubType[] = [
    { subType: OptimizationSubTypes.queryPassthroughSchema, properties: [signature.schema.toUpperCase()] },
    { subType: OptimizationSubTypes.queryPassthroughName, properties: [signature.name.toUpperCase()] },
    { subType: OptimizationSubTypes.queryPassthroughArguments, properties: signature.arguments.map((a) => a.toUpperCase()) },
  ];
  return { ...declared, [name]: passthrough };
}

/**
 * The passthrough arguments of a request, by lower-case argument name, after checking they call
 * this connector's function. Athena sends `schemaFunctionName` (e.g. `SYSTEM.QUERY`) plus each
 * argument upper-cased.
 */
export function passthroughArguments(connector: Connector, args: Readonly<Record<string, string>>): Record<string, string> | string {
  const signature = connector.queryPassthrough;
  if (signature === undefined) return 'this connector does not support query passthrough';
  const called = args['schemaFunctionName'];
  const expected = `${signature.schema}.${signature.name}`.toUpperCase();
  if (called === undefined || called.toUpperCase() !== expected) return `query passthrough function ${JSON.stringify(called ?? '')} is not ${expected}`;
  const out: Record<string, string> = {};
  for (const name of signature.arguments) {
    const value = args[name.toUpperCase()] ?? args[name];
    if (value === undefined) return `query passthrough argument ${name.toUpperCase()} is missing`;
    out[name.toLowerCase()] = value;
  }
  return out;
}
