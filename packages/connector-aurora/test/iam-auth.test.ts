/**
 * IAM database authentication. Real RDS cannot be reached from here, so what is proven is: the
 * configuration rules (TLS forced, user and region required); that the token is the real
 * `@aws-sdk/rds-signer` SigV4 presigned `connect` URL for the configured host, port, user and region
 * (pure signing, no network); and that mysql2 sends a freshly signed token for every new pool
 * connection when the server switches to `mysql_clear_password`, as RDS does. That last part talks
 * to a minimal in-process MySQL handshake (a stand-in for RDS, without TLS, which RDS would
 * require); TLS with RDS's certificate and RDS's verdict on the token stay untested.
 */
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { Signer } from '@aws-sdk/rds-signer';
import { ConfigurationError } from '@athena-federation/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuroraPools, type TokenSignerOptions } from '../src/aurora-client.js';
import { loadAuroraConfig, parseConnectionString } from '../src/aurora-config.js';

const HOST = 'prod.cluster-abc123.us-east-2.rds.amazonaws.com';

describe('IAM configuration', () => {
  it('forces TLS, reads the region and keeps the user', () => {
    const settings = loadAuroraConfig({
      default: `mysql://jdbc:mysql://${HOST}:3306/db?user=athena_iam`,
      iam_database_authentication: 'true',
      AWS_REGION: 'us-east-2',
    });
    expect(settings.iamAuthentication).toEqual({ region: 'us-east-2' });
    expect(settings.catalogs.get('default')).toMatchObject({ sslMode: 'REQUIRED', user: 'athena_iam' });
    expect(
      loadAuroraConfig({
        default: `mysql://jdbc:mysql://${HOST}/db?user=u`,
        iam_database_authentication: 'true',
        AWS_REGION: 'us-east-1',
        iam_region: 'eu-west-1',
      }).iamAuthentication,
    ).toEqual({ region: 'eu-west-1' });
    expect(loadAuroraConfig({ default: `mysql://jdbc:mysql://${HOST}/db?user=u` }).iamAuthentication).toBeUndefined();
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { default: `mysql://jdbc:mysql://${HOST}/db?user=u&sslMode=DISABLED`, AWS_REGION: 'us-east-2' },
      /default.*disables TLS/,
    ],
    [{ default: `mysql://jdbc:mysql://${HOST}/db`, AWS_REGION: 'us-east-2' }, /default.*needs user=/],
    [{ default: `mysql://jdbc:mysql://${HOST}/db?user=u` }, /iam_region.*AWS_REGION/],
  ])('refuses %j', (env, message) => {
    const run = () => loadAuroraConfig({ ...env, iam_database_authentication: 'true' });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(message);
  });
});

/** The MySQL packets a client sent, and a way to answer them. */
function packets(socket: Socket, onPacket: (sequence: number, payload: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUIntLE(0, 3);
      if (pending.length < 4 + length) return;
      const sequence = pending[3] ?? 0;
      const payload = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      onPacket(sequence, payload);
    }
  });
}

function send(socket: Socket, sequence: number, payload: Buffer): void {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  socket.write(Buffer.concat([header, payload]));
}

const OK = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

/**
 * A MySQL server that only authenticates: the v10 handshake, then RDS's switch to
 * `mysql_clear_password`, recording what the client sends as the password; any command is OK.
 */
function startClearPasswordServer(received: string[]): Promise<Server> {
  const server = createServer((socket) => {
    const scramble = Buffer.alloc(20, 7);
    const capabilities = 0x0008_f7ff & ~0x0800 & ~0x0020; // protocol 41, secure connection, plugin auth; no TLS, no compression
    const greeting = Buffer.concat([
      Buffer.from([0x0a]),
      Buffer.from('8.0.0-rds-stand-in\0'),
      Buffer.from([1, 0, 0, 0]),
      scramble.subarray(0, 8),
      Buffer.from([0]),
      Buffer.from([
        capabilities & 0xff,
        (capabilities >> 8) & 0xff,
        45,
        0x02,
        0x00,
        (capabilities >> 16) & 0xff,
        (capabilities >> 24) & 0xff,
        21,
      ]),
      Buffer.alloc(10),
      scramble.subarray(8),
      Buffer.from([0]),
      Buffer.from('mysql_native_password\0'),
    ]);
    send(socket, 0, greeting);
    let phase: 'login' | 'switch' | 'commands' = 'login';
    packets(socket, (sequence, payload) => {
      if (phase === 'login') {
        phase = 'switch';
        send(socket, sequence + 1, Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_clear_password\0')]));
      } else if (phase === 'switch') {
        phase = 'commands';
        received.push(payload.toString('utf8'));
        send(socket, sequence + 1, OK);
      } else if (payload[0] === 0x01) {
        socket.end();
      } else {
        send(socket, sequence + 1, OK);
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('IAM tokens on the wire', () => {
  const received: string[] = [];
  let server: Server;
  beforeAll(async () => {
    server = await startClearPasswordServer(received);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function connectTwice(pools: AuroraPools): Promise<void> {
    const port = (server.address() as AddressInfo).port;
    // Only the pool's handshake is exercised: the stand-in has no TLS, which a real RDS would require.
    const pool = await pools.pool(
      parseConnectionString('default', `mysql://jdbc:mysql://127.0.0.1:${port}/db?user=athena_iam&sslMode=DISABLED`),
    );
    const connect = () =>
      new Promise<{ release(): void }>((resolve, reject) =>
        pool.getConnection((error, connection) => (error === null ? resolve(connection) : reject(error))),
      );
    const [first, second] = await Promise.all([connect(), connect()]);
    first.release();
    second.release();
    await pools.end();
  }

  function expectToken(text: string | undefined, accessKey: string): void {
    const port = (server.address() as AddressInfo).port;
    // The clear-text plugin sends the token NUL-terminated; the token is a presigned URL without its scheme.
    expect(text?.endsWith('\0')).toBe(true);
    const url = new URL(`https://${(text ?? '').slice(0, -1)}`);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(port));
    expect(url.searchParams.get('Action')).toBe('connect');
    expect(url.searchParams.get('DBUser')).toBe('athena_iam');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      new RegExp(`^${accessKey}/\\d{8}/us-east-2/rds-db/aws4_request$`),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  }

  it('sends the default rds-signer token (credentials from the environment) on each new connection', async () => {
    received.length = 0;
    await connectTwice(
      new AuroraPools({
        secrets: () => Promise.reject(new Error('no secret expected')),
        connectionLimit: 2,
        iamAuthentication: { region: 'us-east-2' },
      }),
    );
    expect(received).toHaveLength(2);
    const accessKey = process.env['AWS_ACCESS_KEY_ID'];
    if (accessKey === undefined) throw new Error('vitest global setup sets AWS_ACCESS_KEY_ID');
    for (const text of received) expectToken(text, accessKey);
  });

  it('signs a new token for every connection, for the configured host, port, user and region', async () => {
    received.length = 0;
    const signed: TokenSignerOptions[] = [];
    await connectTwice(
      new AuroraPools({
        secrets: () => Promise.reject(new Error('no secret expected')),
        connectionLimit: 2,
        iamAuthentication: { region: 'us-east-2' },
        // The real signer with a fixed identity; the hook only records each signing.
        createTokenSigner: (options) => {
          const signer = new Signer({
            ...options,
            credentials: {
              accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
              secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
            },
          });
          return {
            getAuthToken: () => {
              signed.push(options);
              return signer.getAuthToken();
            },
          };
        },
      }),
    );
    const port = (server.address() as AddressInfo).port;
    expect(signed).toEqual([
      { hostname: '127.0.0.1', port, username: 'athena_iam', region: 'us-east-2' },
      { hostname: '127.0.0.1', port, username: 'athena_iam', region: 'us-east-2' },
    ]);
    expect(received).toHaveLength(2);
    for (const text of received) expectToken(text, 'AKIAIOSFODNN7EXAMPLE');
  });
});
