/**
 * Starts a real `moto_server` (S3, KMS, … emulated by moto) for tests, so spill and key code runs
 * against actual AWS wire calls instead of mocked clients. Nothing global is changed: callers get
 * the endpoint and the environment an AWS SDK client needs, and decide where to put it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Environment that points the AWS SDK (v3, `AWS_ENDPOINT_URL`) at moto with fake credentials. */
export interface MotoEnv {
  readonly AWS_ENDPOINT_URL: string;
  readonly AWS_ACCESS_KEY_ID: 'test';
  readonly AWS_SECRET_ACCESS_KEY: 'test';
  readonly AWS_REGION: 'us-east-1';
}

/** A running moto server. */
export interface Moto {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly env: MotoEnv;
  /** Stops the server; resolves once it has exited. */
  stop(): Promise<void>;
}

const INSTALL_HINT = "moto_server was not found: install it with  pip install 'moto[server]'";
const START_TIMEOUT_MS = 30_000;

/**
 * A 127.0.0.1 port nothing listens on right now, for child servers that must be told their port
 * (moto, a private mariadbd). It can be taken before the child binds it; callers retry on that.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a local port'))));
    });
  });
}

/** Fails fast, before any port or process juggling, when moto is not installed (incl. a dangling pyenv shim). */
function checkInstalled(): void {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 20_000 });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(INSTALL_HINT);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function launch(port: number): Promise<{ child: ChildProcess; endpoint: string }> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep only the tail: moto logs every request here.
    stderr = (stderr + chunk).slice(-4000);
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await answers(endpoint)) return { child, endpoint };
    const failure = await Promise.race([
      spawnError,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)),
    ]);
    if (failure !== undefined) throw new Error(INSTALL_HINT, { cause: failure });
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `moto_server exited (${child.exitCode ?? child.signalCode}) before answering on ${endpoint}:\n${stderr}`,
      );
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited(child);
      throw new Error(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${stderr}`);
    }
  }
}

/**
 * Starts `moto_server` on a free 127.0.0.1 port and resolves once it answers HTTP. Throws at once
 * with the install command when moto is missing. Call `stop()` when done.
 */
export async function startMoto(): Promise<Moto> {
  checkInstalled();
  let lastError: unknown;
  // The port is free when picked but could be taken before moto binds it; try a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    let started: { child: ChildProcess; endpoint: string };
    try {
      started = await launch(await freePort());
    } catch (error) {
      if (error instanceof Error && error.message === INSTALL_HINT) throw error;
      lastError = error;
      continue;
    }
    const { child, endpoint } = started;
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    // A crashed test run must not leave moto behind.
    process.once('exit', killOnExit);
    return {
      endpoint,
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
      },
      async stop() {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        const done = exited(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(timer);
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error('moto_server could not be started');
}
