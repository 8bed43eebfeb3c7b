/**
 * The conformance suite under vitest: one test per check, named as in `ConformanceChecks`. A check
 * the plugin opts out of shows as skipped with its reason; one that does not apply (a capability
 * not advertised) is skipped at run time with that reason.
 */
import { beforeAll, describe, it } from 'vitest';
import { ConformanceRun } from './run-conformance.js';
import { ConformanceChecks, type ConnectorSuiteOptions } from './suite-options.js';

/**
 * Declares the conformance suite for one connector. Call it at the top level of a test file.
 * S3 (for spill) must be reachable through the standard AWS environment, e.g. moto.
 */
export function describeConnector(options: ConnectorSuiteOptions): void {
  describe(`${options.name} conformance`, () => {
    const run = new ConformanceRun(options);
    beforeAll(() => run.setup(), 120_000);
    for (const check of ConformanceChecks) {
      const reason = options.skip?.[check];
      if (reason !== undefined) {
        it.skip(`${check} (skipped: ${reason})`, () => undefined);
        continue;
      }
      it(check, async (context) => {
        const result = await run.run(check);
        if (result.status === 'skip') context.skip(result.detail);
        if (result.status === 'fail') throw result.error;
        await context.annotate(result.detail);
      }, 120_000);
    }
  });
}
