/**
 * GetDataSourceCapabilities: what the connector declares, plus the query-passthrough signature when
 * the connector offers one and `enable_query_passthrough` allows it — and nothing it does not
 * implement, since Athena pushes down whatever is advertised.
 */
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError } from '../errors.js';
import {
  OptimizationSubTypes,
  type DataSourceCapabilities,
  type OptimizationSubType,
  type StringMap,
} from '../protocol/types.js';

/** The capabilities map to answer with. */
export function connectorCapabilities(
  connector: Connector,
  ctx: ConnectorContext,
  enableQueryPassthrough: boolean,
): DataSourceCapabilities {
  const declared = connector.capabilities?.(ctx) ?? {};
  const signature = connector.queryPassthrough;
  if (signature === undefined || connector.getQueryPassthroughSchema === undefined || !enableQueryPassthrough)
    return declared;
  const name = `${signature.schema}.${signature.name}`.toUpperCase();
  const passthrough: OptimizationSubType[] = [
    { subType: OptimizationSubTypes.queryPassthroughSchema, properties: [signature.schema.toUpperCase()] },
    { subType: OptimizationSubTypes.queryPassthroughName, properties: [signature.name.toUpperCase()] },
    {
      subType: OptimizationSubTypes.queryPassthroughArguments,
      properties: signature.arguments.map((a) => a.toUpperCase()),
    },
  ];
  return { ...declared, [name]: passthrough };
}

/** The member of the passthrough arguments that names the function called. */
const FUNCTION_NAME_ARGUMENT = 'schemaFunctionName';

/**
 * The passthrough arguments of a GetTable, GetSplits or ReadRecords request, checked and keyed by
 * the signature's lower-case argument names; empty when the request is no passthrough. Every call
 * that carries them is checked, not only GetTable: GetSplits and ReadRecords arrive on their own and
 * their members are as much the caller's as GetTable's. Athena sends `schemaFunctionName` (e.g.
 * `SYSTEM.QUERY`) plus each argument upper-cased.
 *
 * @throws {ConnectorError} `Unsupported` when the connector has no passthrough or
 * `enable_query_passthrough` is false; `InvalidInput` for another function, a missing argument or
 * one the signature does not name.
 */
export function checkedPassthroughArguments(
  connector: Connector,
  args: StringMap,
  enableQueryPassthrough: boolean,
  where: string,
): StringMap {
  if (Object.keys(args).length === 0) return args;
  const signature = connector.queryPassthrough;
  if (signature === undefined || connector.getQueryPassthroughSchema === undefined)
    throw new ConnectorError('Unsupported', `${where}: this connector does not support query passthrough`);
  if (!enableQueryPassthrough)
    throw new ConnectorError('Unsupported', `${where}: query passthrough is disabled (enable_query_passthrough=false)`);
  const called = args[FUNCTION_NAME_ARGUMENT];
  const expected = `${signature.schema}.${signature.name}`.toUpperCase();
  if (called === undefined || called.toUpperCase() !== expected)
    throw new ConnectorError(
      'InvalidInput',
      `${where}: query passthrough function ${JSON.stringify(called ?? '')} is not ${expected}`,
    );
  // Each argument is matched whatever its case, and must be given once: two keys that differ only
  // in case would leave it to chance which of two values runs.
  const given = new Map<string, string>();
  for (const key of Object.keys(args)) {
    if (key === FUNCTION_NAME_ARGUMENT) continue;
    const upper = key.toUpperCase();
    const other = given.get(upper);
    if (other !== undefined)
      throw new ConnectorError(
        'InvalidInput',
        `${where}: query passthrough argument ${upper} is given twice (${JSON.stringify(other)} and ${JSON.stringify(key)})`,
      );
    given.set(upper, key);
  }
  const known = new Set(signature.arguments.map((name) => name.toUpperCase()));
  for (const [upper, key] of given) {
    if (!known.has(upper))
      throw new ConnectorError(
        'InvalidInput',
        `${where}: ${expected} takes no argument ${JSON.stringify(key)} (its arguments: ${[...known].join(', ')})`,
      );
  }
  const out: Record<string, string> = {};
  for (const name of signature.arguments) {
    const key = given.get(name.toUpperCase());
    const value = key === undefined ? undefined : args[key];
    if (value === undefined)
      throw new ConnectorError('InvalidInput', `${where}: query passthrough argument ${name.toUpperCase()} is missing`);
    out[name.toLowerCase()] = value;
  }
  return out;
}
