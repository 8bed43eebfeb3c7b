/**
 * The Lambda entry point bundled to `dist/lambda/index.mjs`: the DynamoDB connector behind core's
 * handler. Import does nothing but read configuration (or, with `glue_connection`, nothing: Glue is
 * read on the first invocation); the SDK client is created on the first request.
 */
import { createLambdaHandler } from '@athena-federation/connector-core';
import { dynamoDbConnectorFactory } from './dynamodb-factory.js';

/** The handler the Lambda runtime calls (`index.handler`). */
export const handler = createLambdaHandler(dynamoDbConnectorFactory());
