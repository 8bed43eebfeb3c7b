// Request fuzz of the DynamoDB connector's Lambda handler over dynalite; see
// support/request-fuzz.ts for what every request must satisfy.
import { describe } from 'vitest';
import { describeRequestFuzz } from './support/request-fuzz.js';
import { startDynamoDbTarget } from './support/targets.js';

describe('dynamodb handler', () => {
  describeRequestFuzz(() => startDynamoDbTarget({ rows: 300 }));
});
