/**
 * Cold start of each connector's Lambda bundle: the time from spawning a fresh Node process to the
 * first Ping answer, against a fresh Node process that only imports `@aws-sdk/client-dynamodb` and
 * answers the same Ping by hand (target: at most 1.3× that baseline). Both sides are built by the
 * same `bundleLambda` that `pnpm build` uses, so bundling choices cannot flatter either side.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compareAsync, type RatioResult } from '../src/testing/measure.js';

const coreRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = join(coreRoot, '..', '..');
const workDir = join(coreRoot, '.bench', 'cold-start');

/** The connectors measured: package directory, the sourceType their Ping answers, and the environment their cold start needs. */
const connectors = [
  { name: 'dynamodb', sourceType: 'dynamodb', env: {} },
  // Only read at cold start; a Ping opens no connection.
  { name: 'aurora', sourceType: 'mysql', env: { default: 'mysql://jdbc:mysql://127.0.0.1:3306/test?user=root' } },
] as const;

const PING = {
  '@type': 'PingRequest',
  identity: {
    id: 'bench',
    principal: 'bench',
    account: '123456789012',
    arn: 'arn:aws:iam::123456789012:user/bench',
    tags: {},
    groups: [],
  },
  catalogName: 'bench',
  queryId: 'cold-start',
};

// Loads the bundle as the Lambda runtime does (ESM import of index.mjs), answers one Ping and prints
// it with the CPU time the process has used so far (start-up included).
const RUNNER = `const { handler } = await import(process.argv[2]);
const answer = await handler(${JSON.stringify(PING)});
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ answer, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
`;

/** The baseline's source, importing the DynamoDB client package the DynamoDB connector itself resolves. */
function baselineSource(): string {
  const dynamodbClient = dirname(
    createRequire(join(repositoryRoot, 'packages', 'connector-dynamodb', 'package.json')).resolve(
      '@aws-sdk/client-dynamodb/package.json',
    ),
  );
  // The client and one command, created on first use as the connectors do: the smallest DynamoDB Lambda.
  return `import { DynamoDBClient, ScanCommand } from ${JSON.stringify(dynamodbClient)};
let client;
export const scan = (input) => (client ??= new DynamoDBClient({})).send(new ScanCommand(input));
export const handler = async (event) => ({ '@type': 'PingResponse', catalogName: event.catalogName, queryId: event.queryId, sourceType: 'dynamodb', capabilities: 23, serDeVersion: 6 });
`;
}

function bundleWith(script: string): void {
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

interface ColdStart {
  readonly answer: unknown;
  readonly cpuMs: number;
}

/** Spawns `node [flags] runner bundle` and resolves with the Ping answer once its line arrives. */
function pingFreshProcess(
  bundle: string,
  env: Readonly<Record<string, string>>,
  flags: readonly string[],
): Promise<ColdStart> {
  // Without NODE_OPTIONS: the TypeScript loader the bench runs under would otherwise load into the child too.
  const { NODE_OPTIONS: _loader, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, join(workDir, 'ping.mjs'), pathToFileURL(bundle).href], {
      env: { ...inherited, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((text) => text.includes('"PingResponse"'));
      if (line !== undefined) resolve(JSON.parse(line) as ColdStart);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`${bundle} exited (${code ?? 'signal'}) without a Ping answer: ${stderr.trim().slice(0, 500)}`)),
    );
  });
}

/** Checks one answer, so that a broken bundle cannot look fast, and records the process's CPU time. */
async function expectPing(run: Promise<ColdStart>, sourceType: string, cpuMs: number[]): Promise<void> {
  const { answer, cpuMs: used } = await run;
  const ping = answer as { '@type'?: unknown; sourceType?: unknown; serDeVersion?: unknown };
  if (ping['@type'] !== 'PingResponse' || ping.sourceType !== sourceType || typeof ping.serDeVersion !== 'number')
    throw new Error(`Unexpected Ping answer ${JSON.stringify(ping)}`);
  cpuMs.push(used);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Cold-start ratios (baseline ms ÷ connector ms: ≥ 0.77 means at most 1.3× slower). */
export async function coldStartBenchmarks(): Promise<RatioResult[]> {
  mkdirSync(join(workDir, 'baseline'), { recursive: true });
  writeFileSync(join(workDir, 'ping.mjs'), RUNNER);
  writeFileSync(join(workDir, 'baseline-entry.mjs'), baselineSource());
  const bundleModule = pathToFileURL(join(repositoryRoot, 'scripts', 'bundle.mjs')).href;
  const baseline = join(workDir, 'baseline', 'index.mjs');
  bundleWith(
    `const { bundleLambda } = await import(${JSON.stringify(bundleModule)}); await bundleLambda({ entry: ${JSON.stringify(join(workDir, 'baseline-entry.mjs'))}, outfile: ${JSON.stringify(baseline)}, clean: true });`,
  );
  let baselineCpu: number[] = [];
  const baselinePing = () => expectPing(pingFreshProcess(baseline, {}, []), 'dynamodb', baselineCpu);

  const results: RatioResult[] = [];
  for (const connector of connectors) {
    const bundle = join(workDir, connector.name, 'index.mjs');
    // Each connector's own bundle.mjs, as `pnpm build` runs it, into a fresh directory.
    const packageRoot = join(repositoryRoot, 'packages', `connector-${connector.name}`);
    rmSync(dirname(bundle), { recursive: true, force: true });
    execFileSync(process.execPath, [join(packageRoot, 'bundle.mjs'), bundle], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const flags of [[], ['--enable-source-maps']] as const) {
      const label = flags.length === 0 ? '' : ' (--enable-source-maps)';
      baselineCpu = [];
      const candidateCpu: number[] = [];
      const wall = await compareAsync(
        `cold start: ${connector.name} bundle to first Ping${label}`,
        '≥ 0.77 (≤ 1.3× the baseline)',
        baselinePing,
        () => expectPing(pingFreshProcess(bundle, connector.env, flags), connector.sourceType, candidateCpu),
        15,
        'baseline = fresh node, bundled @aws-sdk/client-dynamodb, Ping answered by hand',
      );
      // CPU time of the same runs (every thread): steadier than wall time on a busy machine, though it also
      // counts what V8 does on background threads in parallel with the main one.
      const cpu = { baselineMs: median(baselineCpu), candidateMs: median(candidateCpu) };
      results.push(wall, {
        name: `cold start: ${connector.name} bundle to first Ping${label}, CPU time`,
        ...cpu,
        ratio: cpu.baselineMs / cpu.candidateMs,
        target: wall.target,
        unit: 'ms CPU',
        detail: 'the same runs: user + system time of the child process, start-up included',
      });
    }
  }
  return results;
}
