// One esbuild setup for every bundle the repository builds: ESM for Node, with `require` available
// to the CommonJS dependencies that call it for Node built-ins. `bundleLambda` adds what a Lambda
// deployment needs on top: the nodejs22.x target, minification, source maps, lazily loaded chunks,
// a check that nothing but Node built-ins is left outside the bundle, and the zip SAM uploads.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

/**
 * Bundles `entry` into `outfile`.
 * @param {{ entry: string, outfile: string, target?: string, minify?: boolean, external?: string[], sourcemap?: boolean, mainFields?: string[], splitting?: boolean }} options
 * @returns {Promise<import('esbuild').Metafile>}
 */
export async function bundle({
  entry,
  outfile,
  target = 'node20',
  minify = false,
  external = [],
  sourcemap = false,
  mainFields,
  splitting = false,
}) {
  const result = await build({
    // Code splitting writes chunks beside the entry file, so it needs a directory and an entry name.
    ...(splitting
      ? {
          entryPoints: { [basename(outfile).replace(/\.m?js$/, '')]: entry },
          outdir: dirname(outfile),
          splitting: true,
          outExtension: { '.js': '.mjs' },
          chunkNames: '[name]-[hash]',
        }
      : { entryPoints: [entry], outfile }),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    minify,
    external,
    // A map beside the bundle, without the sources themselves: Node needs only the mappings to
    // show original file names and lines in stack traces, and the sources would triple the zip.
    ...(sourcemap ? { sourcemap: 'linked', sourcesContent: false } : {}),
    ...(mainFields === undefined ? {} : { mainFields }),
    metafile: true,
    legalComments: 'none',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return result.metafile;
}

const nodeBuiltins = new Set(builtinModules);

/** Whether `specifier` names a module every Node.js runtime provides. */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || nodeBuiltins.has(specifier);
}

/** The modules a bundle still imports from outside itself, from esbuild's metafile. */
export function externalImports(metafile) {
  const specifiers = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const item of output.imports) if (item.external) specifiers.add(item.path);
  return [...specifiers].sort();
}

// Fixed so that the same bundle always gives the same zip (and SAM sees no change to upload).
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');
// Regular file, rw-r--r--, made on Unix: Lambda unpacks entries with these permissions.
const ZIP_FILE_ATTRIBUTES = 0o100644 << 16;
const UNIX = 3;

/**
 * Bundles a Lambda entry point for the nodejs22.x runtime: ESM, minified, the AWS SDK and every other
 * dependency inside (Lambda's own copy of the SDK is not used, so the version is the one tested),
 * with a source map beside each file. Two things keep the cold start short, since compiling the
 * code dominates it: packages are read from their ES module builds where they have one, so unused
 * SDK commands and schemas are left out; and modules loaded with `import()` (the SDK's credential
 * providers, core's S3 and KMS clients for spilling, a connector's database driver) become chunks
 * beside `outfile` that are compiled only when first used. A module imported statically anywhere
 * in the entry's import graph, even by code tree-shaking drops, lands in the cold-start chunks.
 *
 * `clean` first empties the directory of `outfile` (so no chunk of an older build lingers). With
 * `zip`, also writes that zip (every file of the bundle at the root, as `index.handler` expects)
 * and the esbuild metafile beside it as `<zip name>.meta.json` (what went into the bundle, for size
 * budgets and analysis). Fails when the bundle imports anything but Node built-ins at run time,
 * except the `optionalExternals`: modules a dependency tries to load inside try/catch and does
 * without, each with the reason it is safe to leave out.
 * @param {{ entry: string, outfile: string, zip?: string, clean?: boolean, optionalExternals?: Record<string, string> }} options
 */
export async function bundleLambda({ entry, outfile, zip, clean = false, optionalExternals = {} }) {
  if (clean) await rm(dirname(outfile), { recursive: true, force: true });
  const metafile = await bundle({
    entry,
    outfile,
    target: 'node22',
    minify: true,
    sourcemap: true,
    splitting: true,
    mainFields: ['module', 'main'],
    external: Object.keys(optionalExternals),
  });
  const unexpected = externalImports(metafile).filter(
    (specifier) => !isNodeBuiltin(specifier) && !(specifier in optionalExternals),
  );
  if (unexpected.length > 0) {
    throw new Error(
      `${outfile} would import ${unexpected.join(', ')} at run time, which the Lambda does not have: bundle them, or remove the import; ` +
        `if a dependency loads one inside try/catch and works without it, list it in bundleLambda's optionalExternals with the reason, e.g. optionalExternals: { ${JSON.stringify(unexpected[0])}: 'why it is safe to leave out' }`,
    );
  }
  if (zip === undefined) return;
  const entries = {};
  // Metafile paths are relative to the working directory esbuild ran in.
  for (const output of Object.keys(metafile.outputs).sort())
    entries[basename(output)] = [
      await readFile(resolve(output)),
      { level: 9, mtime: ZIP_MTIME, os: UNIX, attrs: ZIP_FILE_ATTRIBUTES },
    ];
  await mkdir(dirname(zip), { recursive: true });
  await writeFile(zip, zipSync(entries));
  await writeFile(zip.replace(/\.zip$/, '') + '.meta.json', JSON.stringify(metafile));
}
