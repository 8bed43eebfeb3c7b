/**
 * Values planted in this suite's fixtures that must never reach a log line or an error message:
 * PHI-like row values (names, record numbers, readings) and a canary secret used as the real
 * MariaDB password and the AWS secret key of the test clients. The whole-suite log scan
 * (phi-log-scan.ts) fails on any of them.
 */

/** The MariaDB password of the `reliability_fuzz` user and the AWS secret key of the clients: a secret that must never be echoed. */
export const CANARY_SECRET = 'CanarySecret7Qm2Zp9xRlb4';

/** Patient names planted in the fixture rows. */
export const SENTINEL_NAMES = ['Quentin Sentinelle-Fuzz', 'Wilhelmina Canarywood', 'Odalys Tracerstone'] as const;

/** Medical record numbers planted in the fixture rows. */
export const SENTINEL_MRNS = ['MRN-SNTL-40417', 'MRN-SNTL-77310', 'MRN-SNTL-90266'] as const;

/** Readings planted in the fixture rows, as the text a log would show. */
export const SENTINEL_READINGS = ['173.0421', '8675309123'] as const;

/** Every planted value the log scan looks for. */
export const PLANTED_SENTINELS: readonly string[] = [
  CANARY_SECRET,
  ...SENTINEL_NAMES,
  ...SENTINEL_MRNS,
  ...SENTINEL_READINGS,
];
