import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// PHI log scan (packages/reliability): every run captures all test output into one folder and fails
// on seeded PHI at the end. PHI_LOG_SCAN=0 turns it off; PHI_LOG_SCAN_DIR keeps the logs somewhere known.
if (process.env['PHI_LOG_SCAN'] !== '0')
  process.env['PHI_LOG_SCAN_DIR'] ??= mkdtempSync(join(tmpdir(), 'phi-log-scan-'));
const scanning = process.env['PHI_LOG_SCAN_DIR'] !== undefined;
const userLogLevel = process.env['POWERTOOLS_LOG_LEVEL'];

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    // Connector logs are structured JSON lines; silence them in test output (POWERTOOLS_LOG_LEVEL=INFO pnpm test to see them).
    // Under the PHI log scan they run at DEBUG into the capture files and stay off the terminal unless asked for.
    // The AWS SDK warns once per client package that Node 20 will not be supported after January 2027; the
    // bundles target Lambda's nodejs22.x, and a test that needs the warning sets the variable itself.
    env: {
      POWERTOOLS_LOG_LEVEL: userLogLevel ?? (scanning ? 'DEBUG' : 'SILENT'),
      PHI_LOG_SCAN_ECHO: userLogLevel === undefined ? '0' : '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
        process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ?? 'true',
    },
    globalSetup: [
      'packages/connector-core/test/support/moto-global-setup.ts',
      'packages/reliability/test/support/phi-log-scan.ts',
    ],
    setupFiles: ['packages/reliability/test/support/phi-log-capture.ts'],
  },
});
