/**
 * Test support: Glue connections in moto_server and the Lambda handler the bundle exports, built
 * from a function's variables, with the connectors it makes closed by `close()`. moto's
 * GetConnection leaves ConnectionType out of its answer (real Glue returns it), so the handler's
 * reader adds back the type each connection was created with; everything else is moto's answer.
 */
import {
  type Connector,
  type GlueConnectionReader,
  createLambdaHandler,
  glueConnectionReader,
} from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/testing';
import { type ConnectionType, CreateConnectionCommand, GlueClient } from '@aws-sdk/client-glue';
import { type AuroraConnector, auroraConnectorFactory } from '../../src/index.js';
import { SPILL_BUCKET } from './engine.js';

/** Glue connections of a test file and drivers of functions configured by them. */
export interface GlueConnections {
  /** Creates a connection of `type` spilling to the test bucket. */
  create(name: string, type: ConnectionType, properties: Record<string, string>): Promise<void>;
  /** A driver of the handler for a function whose variables are `env`. */
  driverFor(env: Record<string, string>): EngineDriver;
  /** Closes the connectors the handlers made, and the Glue client. */
  close(): Promise<void>;
}

export function glueConnections(): GlueConnections {
  const glue = new GlueClient({});
  const made: AuroraConnector[] = [];
  const createdTypes = new Map<string, ConnectionType>();
  const readWithType: GlueConnectionReader = async (name) => ({
    ...(await glueConnectionReader(process.env)(name)),
    ConnectionType: createdTypes.get(name),
  });
  return {
    async create(name, type, properties) {
      await glue.send(
        new CreateConnectionCommand({
          ConnectionInput: {
            Name: name,
            ConnectionType: type,
            ConnectionProperties: properties,
            AthenaProperties: { spill_bucket: SPILL_BUCKET },
          },
        }),
      );
      createdTypes.set(name, type);
    },
    driverFor(env) {
      const factory = auroraConnectorFactory();
      const handler = createLambdaHandler(
        {
          ...factory,
          create: (resolved): Connector => {
            const connector = factory.create(resolved);
            made.push(connector);
            return connector;
          },
        },
        { env, readGlueConnection: readWithType },
      );
      return new EngineDriver({ transport: inProcessTransport(handler), catalogName: 'aurora_glue' });
    },
    async close() {
      for (const connector of made) await connector.close();
      glue.destroy();
    },
  };
}
