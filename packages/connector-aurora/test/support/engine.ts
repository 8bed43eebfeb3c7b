/**
 * Test support: an EngineDriver wired to an Aurora connector in-process, spilling to a moto S3
 * bucket (created with core's `ensureBucket`).
 */
import { type Connector, createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import { EngineDriver, ensureBucket, inProcessTransport } from '@athena-federation/connector-core/testing';

/** The spill bucket every Aurora test uses. */
export const SPILL_BUCKET = 'aurora-test-spill';

/** Creates the spill bucket in moto (idempotent). */
export function ensureSpillBucket(): Promise<void> {
  return ensureBucket(SPILL_BUCKET);
}

/** A driver for `connector`; `spill: true` forces tiny blocks that all go to S3. */
export function engineFor(
  connector: Connector,
  options: { spill?: boolean; catalogName?: string; parallelism?: number } = {},
): EngineDriver {
  const config = { ...loadHandlerConfig({}), spillBucket: SPILL_BUCKET };
  return new EngineDriver({
    transport: inProcessTransport(createLambdaHandler(connector, { config })),
    catalogName: options.catalogName ?? 'aurora_test',
    ...(options.spill === true ? { maxBlockSize: 1024, maxInlineBlockSize: 1 } : {}),
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
  });
}
