/**
 * @athena-federation/connector-core/testing: the test kit for plugin authors — an engine driver
 * that plays Athena over the real wire, the conformance suite, an in-memory reference connector, and
 * the bundle and SAM-template smoke tests a plugin package calls on itself.
 */
export {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  LambdaInvocationError,
  LambdaRequestTooLargeError,
  inProcessTransport,
  makeConstraints,
  decryptSpillObject,
} from '../engine/engine-driver.js';
export type { EngineDriverOptions, ScanOptions, ScanResult, TraceEntry, Transport } from '../engine/engine-driver.js';
export { describeConnector } from './conformance/describe-connector.js';
export { ConformanceRun, runConformance } from './conformance/run-conformance.js';
export { ConformanceChecks, FILTER_COLUMN_TYPES } from './conformance/suite-options.js';
export type {
  ConformanceCheck,
  ConformanceResult,
  ConnectorSuiteOptions,
  PassthroughFixture,
} from './conformance/suite-options.js';
export { tableRows } from './conformance/suite-context.js';
export { PROBED_FUNCTIONS, advertisedPushdowns, expressionProbes, topNProbes } from './pushdown-probes.js';
export type { AdvertisedPushdowns, ExpressionProbe, TopNProbe } from './pushdown-probes.js';
export { createReferenceConnector } from './reference-connector.js';
export { compareByCodePoint } from './code-point-order.js';
export { AthenaQueryFailure, evaluateExpression } from './expression-oracle.js';
export { expectSpilledWithinLambdaLimit } from './response-size.js';
export { ensureBucket } from '../engine/ensure-bucket.js';
export type { ReferenceConnectorOptions, ReferenceTable } from './reference-connector.js';
export {
  DEFAULT_BUNDLE_BUDGET,
  buildLambdaBundle,
  coldStartOutputs,
  invokeLambdaBundle,
  testLambdaBundle,
} from './deploy/lambda-bundle.js';
export type {
  BuiltLambdaBundle,
  BundleOutput,
  LambdaBundleBudget,
  LambdaBundleOptions,
  LambdaInvocation,
  LambdaInvocationResult,
} from './deploy/lambda-bundle.js';
export { testSamTemplate } from './deploy/sam-template.js';
export type { GlueConnectionFixture, SamTemplateOptions } from './deploy/sam-template.js';
export {
  evaluateIntrinsics,
  functionProperties,
  parseSamTemplate,
  policyStatements,
  readSamTemplate,
  statementActions,
  undeclaredReferences,
  wildcardGrants,
} from './deploy/cloud-formation.js';
export type { Json, PolicyStatement, SamTemplate } from './deploy/cloud-formation.js';
