// Request fuzz of the Aurora MySQL connector's Lambda handler over MariaDB (database
// reliability_fuzz); see support/request-fuzz.ts for what every request must satisfy.
import { describe } from 'vitest';
import { describeRequestFuzz } from './support/request-fuzz.js';
import { startAuroraTarget } from './support/targets.js';

describe('aurora handler', () => {
  describeRequestFuzz(() =>
    startAuroraTarget({ table: 'fuzz_patients', rows: 300, env: { target_rows_per_split: '100' } }),
  );
});
