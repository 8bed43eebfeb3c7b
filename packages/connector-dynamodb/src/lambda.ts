/**
 * The Lambda entry point bundled to `dist/lambda/index.mjs`: the DynamoDB connector behind core's
 * handler, configured from the environment. Import does nothing but read configuration; the SDK
 * client is created on the first request.
 */
import { createLambdaHandler } from '@athena-federation/connector-core';
import { createDynamoDbConnector } from './dynamodb-connector.js';

/** The handler the Lambda runtime calls (`index.handler`). */
export const handler = createLambdaHandler(createDynamoDbConnector());
