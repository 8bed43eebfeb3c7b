import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    // Connector logs are structured JSON lines; silence them in test output (POWERTOOLS_LOG_LEVEL=INFO pnpm test to see them).
    env: { POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT' },
    globalSetup: ['packages/connector-core/test/support/moto-global-setup.ts'],
  },
});
