/**
 * The entry of a dynalite child process (see `startDynaliteProcess`): DynamoDB is a remote service,
 * so where its work should not share the connector's event loop and core — benchmarks, the large
 * fixture — it runs here. Prints `{"port":…}` once listening; exits when its standard input
 * closes, i.e. with the process that started it.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { enforceDynamoDbLimits } from './dynamodb-limits.js';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
enforceDynamoDbLimits(server);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
