/**
 * The Lambda entry point bundled to `dist/lambda/index.mjs`: the Aurora MySQL connector behind
 * core's handler. Import only reads configuration (or, with `glue_connection`, nothing: Glue is
 * read on the first invocation); pools and secrets are created on the first request.
 */
import { createLambdaHandler } from '@athena-federation/connector-core';
import { auroraConnectorFactory } from './aurora-factory.js';

/** The handler the Lambda runtime calls (`index.handler`). */
export const handler = createLambdaHandler(auroraConnectorFactory());
