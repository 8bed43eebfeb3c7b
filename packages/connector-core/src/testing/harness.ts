/**
 * @athena-federation/connector-core/harness: what benchmarks and local runs share — ratio
 * measurement against a baseline in the same run, a moto_server on a free port, and a seeded PRNG
 * for reproducible data. Kept apart from
 * `/testing` because that entry loads vitest.
 */
export { compare, compareAsync, report } from './measure.js';
export type { RatioResult } from './measure.js';
export { freePort, startMoto } from './moto.js';
export type { Moto, MotoEnv } from './moto.js';
export { ensureBucket } from '../engine/ensure-bucket.js';
export { seededRandom } from './seeded-random.js';
