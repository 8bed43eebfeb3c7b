/**
 * Test support: an EngineDriver wired to an Aurora connector in-process, spilling to a moto S3
 * bucket. The bucket is created with a plain unsigned PUT, which moto accepts, so this package
 * needs no S3 client of its own.
 */
import { type Connector, createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/testing';

/** The spill bucket every Aurora test uses. */
export const SPILL_BUCKET = 'aurora-test-spill';

/** Creates the spill bucket in moto (idempotent). */
export async function ensureSpillBucket(): Promise<void> {
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  if (endpoint === undefined) throw new Error('AWS_ENDPOINT_URL is not set: run the tests through the repository vitest config, which starts moto_server');
  const response = await fetch(`${endpoint.replace(/\/$/, '')}/${SPILL_BUCKET}`, { method: 'PUT' });
  if (!response.ok && response.status !== 409) throw new Error(`Creating spill bucket failed: HTTP ${response.status}`);
}

/** A driver for `connector`; `spill: true` forces tiny blocks that all go to S3. */
export function engineFor(connector: Connector, options: { spill?: boolean; catalogName?: string; parallelism?: number } = {}): EngineDriver {
  const config = { ...loadHandlerConfig({}), spillBucket: SPILL_BUCKET };
  return new EngineDriver({
    transport: inProcessTransport(createLambdaHandler(connector, { config })),
    catalogName: options.catalogName ?? 'aurora_test',
    ...(options.spill === true ? { maxBlockSize: 1024, maxInlineBlockSize: 1 } : {}),
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
  });
}
