// One esbuild setup for every bundle the repository builds: ESM for Node, with `require` available
// to the CommonJS dependencies that call it for Node built-ins.
import { build } from 'esbuild';

/**
 * Bundles `entry` into `outfile`.
 * @param {{ entry: string, outfile: string, target?: string, minify?: boolean, external?: string[] }} options
 */
export function bundle({ entry, outfile, target = 'node20', minify = false, external = [] }) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    minify,
    external,
    legalComments: 'none',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
