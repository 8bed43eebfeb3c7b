/**
 * Test support: test certificates made with openssl (a CA and a server certificate it signs), for
 * the TLS tests of both engines (tls.test.ts, postgres-tls.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether `command version` runs (openssl, here). */
export function spawnable(command: string): boolean {
  try {
    execFileSync(command, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A CA (`<prefix>-ca.pem`), and a server certificate and key it signs (`<prefix>-server.pem`,
 * `<prefix>-server.key`) for `names` (subjectAltName entries such as `IP:127.0.0.1`), in `dir`.
 */
export function makeCertificates(dir: string, prefix: string, names: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${prefix} test CA`,
    '-keyout',
    `${prefix}-ca.key`,
    '-out',
    `${prefix}-ca.pem`,
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=test server',
    '-keyout',
    `${prefix}-server.key`,
    '-out',
    `${prefix}-server.csr`,
  );
  writeFileSync(join(dir, `${prefix}-san.cnf`), `subjectAltName=${names}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${prefix}-server.csr`,
    '-CA',
    `${prefix}-ca.pem`,
    '-CAkey',
    `${prefix}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${prefix}-san.cnf`,
    '-out',
    `${prefix}-server.pem`,
  );
}
