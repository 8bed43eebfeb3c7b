// What a plugin's Lambda bundle gets from core: everything core's `.` export offers, bundled the way
// scripts/bundle.mjs bundles a Lambda, must leave out `@aws-sdk/client-lambda` (only the engine's
// transports, on the `/engine` subpath, need it). Bundling the `/engine` subpath shows the check
// finds the package when it is there.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { packagesOfInputs } from '../../src/testing/deploy/lambda-bundle.js';

const sourceRoot = fileURLToPath(new URL('../../src/', import.meta.url));

/** The npm packages a bundle of every export of `modulePath` holds, from esbuild's metafile. */
async function bundledPackages(modulePath: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(modulePath)};`, resolveDir: sourceRoot, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return [...packagesOfInputs(Object.keys(result.metafile.inputs))].sort();
}

describe("core's exports in a Lambda bundle", () => {
  it('the plugin-facing `.` export carries no @aws-sdk/client-lambda', async () => {
    const packages = await bundledPackages('./index.ts');
    expect(packages).toContain('apache-arrow');
    expect(packages).not.toContain('@aws-sdk/client-lambda');
  }, 60_000);

  it('the `/engine` subpath does, through its Lambda transport', async () => {
    expect(await bundledPackages('./engine/index.ts')).toContain('@aws-sdk/client-lambda');
  }, 60_000);
});
