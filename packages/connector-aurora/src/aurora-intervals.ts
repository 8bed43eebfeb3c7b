/**
 * The integer intervals a value set allows, for split pruning (key ranges, partitions) and YEAR
 * predicates. The reading lives in core's SQL kit; this module keeps the name the splits import.
 */
export { integerIntervals } from '@athena-federation/connector-core/sql';
export type { IntegerInterval } from '@athena-federation/connector-core/sql';
