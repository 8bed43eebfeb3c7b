/**
 * Resolves the `${SecretName}` placeholder of a connection string into a username and password,
 * as Java's CachableSecretsManager + DefaultCredentialsProvider do: the secret is JSON with
 * `username`/`password` keys (any case), cached for a TTL, and never logged or put in a message.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConnectorError } from '@athena-federation/connector-core';
import { classifySecretError } from './aurora-errors.js';

/** Returns a secret's string value by name. Pluggable so tests and other stores can supply one. */
export type SecretResolver = (secretName: string) => Promise<string>;

/** The subset of the Secrets Manager client used here. */
export interface SecretsManagerLike {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string | undefined }>;
}

/** Options of {@link createSecretsManagerResolver}. */
export interface SecretsManagerResolverOptions {
  /** Reuse a value this long (Java: 60 s). */
  readonly ttlMs?: number;
  /** Entries kept (Java: 10). */
  readonly maxEntries?: number;
  /** A client, or one is made lazily from the standard AWS environment (`AWS_ENDPOINT_URL` works). */
  readonly client?: SecretsManagerLike;
  /** Clock for tests. */
  readonly now?: () => number;
}

/**
 * A resolver backed by Secrets Manager `GetSecretValue`, with a small TTL cache so a warm Lambda
 * does not call it per request. Concurrent misses for one name share one call.
 */
export function createSecretsManagerResolver(options: SecretsManagerResolverOptions = {}): SecretResolver {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly expires: number; readonly value: Promise<string> }>();
  let client = options.client;
  return async (secretName) => {
    const hit = cache.get(secretName);
    if (hit !== undefined && hit.expires > now()) return hit.value;
    client ??= new SecretsManagerClient({});
    const sm = client;
    const value = sm.send(new GetSecretValueCommand({ SecretId: secretName })).then(
      (response) => {
        if (response.SecretString === undefined)
          throw new ConnectorError('InvalidInput', `Secret ${JSON.stringify(secretName)} has no string value`);
        return response.SecretString;
      },
      (error: unknown) => {
        throw classifySecretError(error, secretName);
      },
    );
    cache.delete(secretName);
    cache.set(secretName, { expires: now() + ttlMs, value });
    // Failures are not cached: the next request tries again.
    value.catch(() => cache.delete(secretName));
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return value;
  };
}

/** Username and password read from a secret. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/**
 * Reads `username` and `password` (keys matched case-insensitively, as Java does) from a secret's
 * JSON text. The message on failure names the secret, never its content.
 */
export function parseCredentials(secretName: string, secretText: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretText);
  } catch {
    throw new ConnectorError(
      'InvalidInput',
      `Secret ${JSON.stringify(secretName)} is not JSON with "username" and "password"`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConnectorError(
      'InvalidInput',
      `Secret ${JSON.stringify(secretName)} is not a JSON object with "username" and "password"`,
    );
  let user: string | undefined;
  let password: string | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    const lower = key.toLowerCase();
    if (lower === 'username' && typeof value === 'string') user = value;
    if (lower === 'password' && typeof value === 'string') password = value;
  }
  if (user === undefined || password === undefined)
    throw new ConnectorError(
      'InvalidInput',
      `Secret ${JSON.stringify(secretName)} lacks a string "username" or "password"`,
    );
  return { user, password };
}
