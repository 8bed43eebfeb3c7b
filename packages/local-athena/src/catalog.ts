/**
 * Catalog names and `--catalog NAME=TARGET` arguments. Reaching the connector behind a target
 * (in process, a bundle, a deployed function) is core's `transportFor`, shared with the validator.
 */
import { type ConnectorTarget, parseConnectorTarget } from '@athena-federation/connector-core/engine';

/** Where a catalog's connector runs (see core's `transportFor`). */
export type CatalogTarget = ConnectorTarget;

/** Athena's catalog-name rule: letters, digits, `_`, `-`, `@`, at most 127 characters (lower-cased in SQL). */
export function checkCatalogName(name: string): string {
  if (!/^[A-Za-z0-9_@-]{1,127}$/.test(name))
    throw new Error(`Catalog name ${JSON.stringify(name)} is not valid: use letters, digits, _, - or @ (at most 127)`);
  return name.toLowerCase();
}

/**
 * Parses a `--catalog NAME=TARGET` argument: TARGET is a path to a bundle (`.mjs`/`.js`, optionally
 * `#exportName`) or `lambda:<function name or ARN>`.
 */
export function parseCatalogArgument(argument: string): { name: string; target: CatalogTarget } {
  const at = argument.indexOf('=');
  if (at <= 0) throw new Error(`--catalog ${JSON.stringify(argument)} must be NAME=TARGET`);
  return { name: checkCatalogName(argument.slice(0, at)), target: parseConnectorTarget(argument.slice(at + 1)) };
}

/** A query names `catalog.schema.table` for a catalog that was not registered. */
export class UnknownCatalogError extends Error {
  readonly catalog: string;

  constructor(catalog: string, registered: readonly string[]) {
    super(
      `Catalog ${catalog} is not registered (registered: ${registered.length === 0 ? 'none' : registered.join(', ')})`,
    );
    this.name = 'UnknownCatalogError';
    this.catalog = catalog;
  }
}
