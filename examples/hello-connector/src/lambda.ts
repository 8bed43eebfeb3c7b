/**
 * The Lambda entry point bundled to `dist/lambda/index.mjs`: the hello connector behind core's
 * handler. Configuration is read at import, so a missing `data_bucket` fails the first invocation
 * with the variable's name; the S3 client is created on the first request.
 */
import { createLambdaHandler } from '@athena-federation/connector-core';
import { createHelloConnector, loadHelloConfig } from './hello-connector.js';

/** The handler the Lambda runtime calls (`index.handler`). */
export const handler = createLambdaHandler(createHelloConnector(loadHelloConfig()));
