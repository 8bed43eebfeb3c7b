/**
 * A tiny HTTP proxy that sits between an AWS SDK client and a real emulator (moto, dynalite) and
 * injects faults at the wire: error answers the service really sends, delays, and a server that
 * stops answering. The SDK's own retry and timeout paths run exactly as against AWS, which a
 * client-side mock would skip.
 */
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request as the proxy received it (body fully read). */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A canned answer, sent instead of (or after) the real one. */
export interface CannedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What the proxy does with one request. */
export type ProxyAction =
  /** Forward, optionally after a pause and with a rewritten body. */
  | { readonly kind: 'forward'; readonly delayMs?: number; readonly body?: Buffer }
  /** Answer with an error; `afterForwarding` lets the real service act first (the write happened, the answer was lost). */
  | { readonly kind: 'fail'; readonly response: CannedResponse; readonly afterForwarding?: boolean }
  /** Accept the request and never answer: a server that has stopped responding. */
  | { readonly kind: 'hang' };

/** Decides the fate of each request; `index` counts requests from 1. */
export type FaultPlan = (request: ProxiedRequest, index: number) => ProxyAction | Promise<ProxyAction>;

/** A running proxy. */
export interface FaultProxy {
  readonly endpoint: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Requests answered with an injected error, hung, or delayed. */
  readonly faults: number;
  /** Replaces the plan for requests that arrive from now on. */
  setPlan(plan: FaultPlan): void;
  /** Stops listening and drops every open connection (hung requests included). */
  stop(): Promise<void>;
}

/** Forwards everything untouched. */
export const passThrough: FaultPlan = () => ({ kind: 'forward' });

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function forward(
  target: URL,
  incoming: ProxiedRequest,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: IncomingHttpHeaders = { ...incoming.headers, 'content-length': String(body.byteLength) };
    // The body is re-sent whole, so chunked framing from the client no longer applies.
    delete headers['transfer-encoding'];
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
      (response) => {
        readBody(response).then(
          (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
          reject,
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

function send(
  response: ServerResponse,
  status: number,
  headers: IncomingHttpHeaders | Readonly<Record<string, string>>,
  body: Buffer | string,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const clean: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'transfer-encoding' || name === 'content-length' || name === 'connection')
      continue;
    clean[name] = value;
  }
  response.writeHead(status, { ...clean, 'content-length': String(bytes.byteLength) });
  response.end(bytes);
}

/** Starts a proxy on a free loopback port in front of `targetEndpoint` (`http://host:port`). */
export async function startFaultProxy(
  targetEndpoint: string,
  initialPlan: FaultPlan = passThrough,
): Promise<FaultProxy> {
  const target = new URL(targetEndpoint);
  let plan = initialPlan;
  let requests = 0;
  let faults = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const index = ++requests;
    void (async () => {
      const incoming: ProxiedRequest = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body: await readBody(request),
      };
      const action = await plan(incoming, index);
      if (action.kind === 'hang') {
        faults++;
        return;
      }
      if (action.kind === 'fail') {
        faults++;
        if (action.afterForwarding === true) await forward(target, incoming, incoming.body);
        send(response, action.response.status, action.response.headers, action.response.body);
        return;
      }
      if (action.delayMs !== undefined && action.delayMs > 0) {
        faults++;
        await sleep(action.delayMs);
      }
      const answer = await forward(target, incoming, action.body ?? incoming.body);
      send(response, answer.status, answer.headers, answer.body);
    })().catch((error: unknown) => {
      // The target itself is gone: the client sees the connection drop, as it would without a proxy.
      void error;
      response.socket?.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get faults() {
      return faults;
    },
    setPlan(next) {
      plan = next;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** An S3 error answer, as S3 sends it (XML body, the code S3 uses for that status). */
export function s3Error(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAULTPROXY' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULTPROXY</RequestId></Error>`,
  };
}

/** DynamoDB's throttling answer: HTTP 400 with the JSON error body DynamoDB sends. */
export const dynamoDbThrottle: CannedResponse = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'FAULTPROXY' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  }),
};

/** The DynamoDB operation of a request (`Scan`, `DescribeTable`, …), from its `X-Amz-Target` header. */
export function dynamoDbOperation(request: ProxiedRequest): string {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? (target.split('.').pop() ?? '') : '';
}

/** True for an S3 PutObject (a PUT to a key, not to the bucket itself, path-style addressing). */
export function isS3PutObject(request: ProxiedRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return request.method === 'PUT' && path.split('/').filter((part) => part !== '').length >= 2;
}
