/**
 * The Lambda entry point bundled to `dist/lambda/index.mjs`: the Aurora MySQL connector behind
 * core's handler, configured from the environment. Import only reads configuration; pools and
 * secrets are created on the first request.
 */
import { createLambdaHandler } from '@athena-federation/connector-core';
import { createAuroraConnector } from './aurora-connector.js';

/** The handler the Lambda runtime calls (`index.handler`). */
export const handler = createLambdaHandler(createAuroraConnector());
