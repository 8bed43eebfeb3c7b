/**
 * @athena-federation/connector-core/validator: checks a connector over the real wire the way
 * `athena-connector validate` does. A subpath of its own, away from the plugin-facing `.` export,
 * because it drives connectors through the engine's transports (and so `@aws-sdk/client-lambda`).
 */
export { validateConnector, formatChecks } from './validate-connector.js';
export type { ValidateOptions, ValidationCheck } from './validate-connector.js';
