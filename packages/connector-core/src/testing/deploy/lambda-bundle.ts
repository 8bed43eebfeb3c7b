/**
 * The bundle smoke test a plugin package runs on itself: its `bundle.mjs` builds the zip SAM
 * deploys (as `pnpm build` does, here into a temporary folder), the zip is unpacked where no
 * node_modules is reachable (as Lambda unpacks it into /var/task), and a fresh Node process loads
 * it and answers requests. What the zip holds is checked against the same rules for every plugin.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPackage } from './missing-package.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** Size limits of a plugin's zip. */
export interface LambdaBundleBudget {
  /** The zip SAM uploads. */
  readonly zippedBytes: number;
  /** Every file of the zip unpacked; Lambda allows 250 MB, but cold start suffers far sooner. */
  readonly unzippedBytes: number;
  /** The entry and the chunks it imports statically: the code compiled before the first request. */
  readonly coldStartCodeBytes: number;
}

/** Room for today's connectors (see their READMEs' "Deployment" sections), with space to grow. */
export const DEFAULT_BUNDLE_BUDGET: LambdaBundleBudget = {
  zippedBytes: 2 * MiB,
  unzippedBytes: 6 * MiB,
  coldStartCodeBytes: 800 * 1024,
};

/** Packages only core's engine driver and validator import; a plugin's zip must not carry them. */
const ENGINE_ONLY_PACKAGES = ['@aws-sdk/client-lambda'];

/** What {@link testLambdaBundle} checks. */
export interface LambdaBundleOptions {
  /** The plugin package's folder. Its `bundle.mjs` is run as `node bundle.mjs <outfile> <zip>`. */
  readonly packageRoot: string;
  /** The `sourceType` the plugin's Ping answers with. */
  readonly sourceType: string;
  /** Variables the Lambda needs at import to answer a Ping (besides the AWS ones of the test run). */
  readonly env?: Readonly<Record<string, string>>;
  /** Packages that must be in the zip, but only in chunks loaded by `import()` (never at cold start). */
  readonly lazyPackages?: readonly string[];
  /** The module names `bundle.mjs` passes as `optionalExternals`: the only non-built-ins the zip may import at run time. */
  readonly optionalExternals?: readonly string[];
  /** Overrides of {@link DEFAULT_BUNDLE_BUDGET}. */
  readonly budget?: Partial<LambdaBundleBudget>;
}

/** One output file of esbuild's metafile (the part the checks read). */
export interface BundleOutput {
  readonly bytes: number;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly imports: readonly { readonly path: string; readonly kind: string; readonly external?: boolean }[];
}

/** The zip a plugin's `bundle.mjs` wrote, and where it is unpacked. */
export interface BuiltLambdaBundle {
  readonly zip: Uint8Array;
  /** The zip's files by name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  /** esbuild's metafile, written by `bundle.mjs` beside the zip: output files by path. */
  readonly outputs: Readonly<Record<string, BundleOutput>>;
  /** The folder the zip is unpacked into. */
  readonly directory: string;
}

/**
 * Builds the package's zip with its `bundle.mjs` into `workDir` and unpacks it there.
 *
 * @throws {Error} with `bundle.mjs`'s own message, e.g. a module left outside the bundle that
 * needs bundling or an entry in `optionalExternals`.
 */
export async function buildLambdaBundle(packageRoot: string, workDir: string): Promise<BuiltLambdaBundle> {
  const { unzipSync } = await import('fflate').catch(missingPackage('fflate', 'buildLambdaBundle'));
  const zipPath = join(workDir, 'lambda.zip');
  await run(process.execPath, [join(packageRoot, 'bundle.mjs'), join(workDir, 'build', 'index.mjs'), zipPath]).catch(
    (error: { stderr?: string }) => {
      throw new Error(`${join(packageRoot, 'bundle.mjs')} failed: ${error.stderr ?? String(error)}`, { cause: error });
    },
  );
  const zip = new Uint8Array(await readFile(zipPath));
  const files = unzipSync(zip);
  const directory = join(workDir, 'task');
  await mkdir(directory, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(directory, name), bytes);
  const metafile = JSON.parse(await readFile(join(workDir, 'lambda.meta.json'), 'utf8')) as {
    outputs: Record<string, BundleOutput>;
  };
  return { zip, files, outputs: metafile.outputs, directory };
}

/** What a fresh process compiles before the first request: `entry` and the chunks it imports statically. */
export function coldStartOutputs(bundle: BuiltLambdaBundle, entry = 'index.mjs'): BundleOutput[] {
  const byName = new Map(Object.entries(bundle.outputs).map(([path, output]) => [basename(path), output]));
  const seen = new Map<string, BundleOutput>();
  const visit = (name: string): void => {
    const output = byName.get(name);
    if (output === undefined || seen.has(name)) return;
    seen.set(name, output);
    for (const item of output.imports)
      if (item.kind === 'import-statement' && item.external !== true) visit(basename(item.path));
  };
  visit(entry);
  return [...seen.values()];
}

/** How {@link invokeLambdaBundle} calls the unpacked zip. */
export interface LambdaInvocation {
  /** Requests in their JSON wire form; each gets a test `identity` unless it has one. */
  readonly requests: readonly Record<string, unknown>[];
  /** Added to the test run's environment (whose NODE_OPTIONS is dropped: Lambda's node has no test loaders). */
  readonly env?: Readonly<Record<string, string>>;
  /** The module at the zip root and its export, as a template's `Handler` names them; default `index.mjs`, `handler`. */
  readonly module?: string;
  readonly exportName?: string;
  /** Flags for node, e.g. `--enable-source-maps` as a template's NODE_OPTIONS sets. */
  readonly nodeFlags?: readonly string[];
}

/** What the fresh process saw: the export's type and, per request, its response or the error's message. */
export interface LambdaInvocationResult {
  readonly exportType: string;
  readonly results: readonly ({ readonly response: Record<string, unknown> } | { readonly error: string })[];
  /** Everything the process wrote (the connector's log lines among it). */
  readonly output: string;
}

const RESULT_MARKER = '@@lambda-invocation-result ';

/**
 * Imports the handler from the unpacked zip in a fresh Node process and sends it `requests` in
 * order, as Lambda would.
 *
 * @throws {Error} with the process's output when it fails, e.g. at import on a missing variable.
 */
export async function invokeLambdaBundle(
  directory: string,
  invocation: LambdaInvocation,
): Promise<LambdaInvocationResult> {
  const script = `
    const exported = (await import(${JSON.stringify(pathToFileURL(join(directory, invocation.module ?? 'index.mjs')).href)}))[${JSON.stringify(invocation.exportName ?? 'handler')}];
    const identity = { id: 'x', principal: 'x', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: {}, groups: [] };
    const results = [];
    for (const request of ${JSON.stringify(invocation.requests)}) {
      try { results.push({ response: await exported({ identity, ...request }) }); } catch (error) { results.push({ error: String(error?.message ?? error) }); }
    }
    console.log(${JSON.stringify(RESULT_MARKER)} + JSON.stringify({ exportType: typeof exported, results }));
  `;
  const { NODE_OPTIONS: _testLoaders, ...inherited } = process.env;
  const env = { ...inherited, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...invocation.env };
  const { stdout, stderr } = await run(
    process.execPath,
    [...(invocation.nodeFlags ?? []), '--input-type=module', '-e', script],
    { cwd: directory, env },
  ).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`The Lambda bundle failed in a fresh node: ${error.stderr ?? ''}${error.stdout ?? ''}`, {
      cause: error,
    });
  });
  const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`The Lambda bundle's process printed no result: ${stdout}${stderr}`);
  return {
    ...(JSON.parse(line.slice(RESULT_MARKER.length)) as Omit<LambdaInvocationResult, 'output'>),
    output: `${stdout}\n${stderr}`,
  };
}

/** The npm packages esbuild read, from the paths of its inputs (pnpm's nested node_modules included). */
export function packagesOfInputs(paths: Iterable<string>): Set<string> {
  const packages = new Set<string>();
  for (const path of paths) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path.slice(path.lastIndexOf('node_modules/')));
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return packages;
}

/** The npm packages a set of bundle outputs holds. */
function packagesOf(outputs: readonly BundleOutput[]): Set<string> {
  return packagesOfInputs(outputs.flatMap((output) => Object.keys(output.inputs)));
}

/**
 * Declares the bundle smoke tests of a plugin package; call it at the top level of a test file.
 * The zip must hold every file at its root with its source map, stay within the budget, keep
 * `lazyPackages` out of the cold start, import nothing but Node built-ins and `optionalExternals`,
 * leave out what only core's engine needs, and answer a Ping from the unpacked zip.
 *
 * @returns the built bundle, for the package's own checks: valid in any test of the calling file.
 */
export function testLambdaBundle(options: LambdaBundleOptions): () => BuiltLambdaBundle {
  const budget = { ...DEFAULT_BUNDLE_BUDGET, ...options.budget };
  let workDir: string | undefined;
  let built: BuiltLambdaBundle | undefined;
  const bundle = (): BuiltLambdaBundle => {
    if (built === undefined)
      throw new Error(`The Lambda bundle of ${options.packageRoot} was not built: its beforeAll failed or has not run`);
    return built;
  };

  // At the level of the calling file, not of the describe below, so the unpacked zip lives until
  // the file's last test: the template smoke test and the package's own checks run it too.
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'lambda-bundle-'));
    built = await buildLambdaBundle(options.packageRoot, workDir);
  }, 120_000);
  afterAll(async () => {
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  describe(`Lambda bundle of ${basename(options.packageRoot)}`, () => {
    it('holds every file of the bundle at the zip root, each with its source map', () => {
      const { files, outputs } = bundle();
      const names = Object.keys(files).sort();
      expect(names).toEqual(
        Object.keys(outputs)
          .map((path) => basename(path))
          .sort(),
      );
      expect(names).toContain('index.mjs');
      for (const name of names.filter((n) => n.endsWith('.mjs'))) expect(names).toContain(`${name}.map`);
    });

    it('stays within the size budget', () => {
      const { zip, files } = bundle();
      const unzipped = Object.values(files).reduce((total, bytes) => total + bytes.byteLength, 0);
      expect(zip.byteLength, 'zipped bytes').toBeLessThanOrEqual(budget.zippedBytes);
      expect(unzipped, 'unzipped bytes').toBeLessThanOrEqual(budget.unzippedBytes);
      expect(
        coldStartOutputs(bundle()).reduce((total, output) => total + output.bytes, 0),
        'bytes compiled at cold start',
      ).toBeLessThanOrEqual(budget.coldStartCodeBytes);
    });

    if (options.lazyPackages !== undefined && options.lazyPackages.length > 0) {
      const lazyPackages = options.lazyPackages;
      it(`loads ${lazyPackages.join(', ')} on first use, never at cold start`, () => {
        const all = packagesOf(Object.values(bundle().outputs));
        const atColdStart = packagesOf(coldStartOutputs(bundle()));
        expect(
          lazyPackages.filter((name) => !all.has(name)),
          'lazy packages missing from the zip',
        ).toEqual([]);
        expect(
          lazyPackages.filter((name) => atColdStart.has(name)),
          'lazy packages compiled at cold start',
        ).toEqual([]);
      });
    }

    it('imports nothing at run time but Node built-ins and its optionalExternals', () => {
      const builtins = new Set(builtinModules);
      const externals = new Set(
        Object.values(bundle().outputs).flatMap((output) =>
          output.imports.filter((item) => item.external === true).map((item) => item.path),
        ),
      );
      expect([...externals].filter((path) => !path.startsWith('node:') && !builtins.has(path)).sort()).toEqual(
        [...(options.optionalExternals ?? [])].sort(),
      );
    });

    it("leaves out what only core's engine driver and validator need", () => {
      const bundled = packagesOf(Object.values(bundle().outputs));
      expect(ENGINE_ONLY_PACKAGES.filter((name) => bundled.has(name))).toEqual([]);
    });

    it('exports handler from index.mjs, which answers a Ping from the unpacked zip', async () => {
      const result = await invokeLambdaBundle(bundle().directory, {
        requests: [{ '@type': 'PingRequest', catalogName: 'smoke', queryId: 'q1' }],
        env: options.env ?? {},
      });
      expect(result.exportType).toBe('function');
      expect(result.results).toEqual([
        {
          response: expect.objectContaining({
            '@type': 'PingResponse',
            sourceType: options.sourceType,
            catalogName: 'smoke',
          }),
        },
      ]);
    }, 60_000);
  });
  return bundle;
}
