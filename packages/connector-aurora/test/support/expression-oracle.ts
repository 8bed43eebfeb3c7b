/**
 * Test support: the Athena-semantics expression oracle, which moved to core's test kit so the
 * conformance suite and the validator judge pushed expressions with the same one. Kept under its
 * old names for this package's differential tests.
 */
export { AthenaQueryFailure, evaluateExpression as evaluate } from '@athena-federation/connector-core/testing';
