// Request fuzz of the Aurora connector's PostgreSQL engine through its Lambda handler, over a
// PostgreSQL database of its own (mixed-case schema and column, numeric, timestamptz, arrays, uuid,
// jsonb, an enum); see support/request-fuzz.ts for what every request must satisfy.
import { describe } from 'vitest';
import { describeRequestFuzz } from './support/request-fuzz.js';
import { startPostgresTarget } from './support/targets.js';

describe('aurora handler on PostgreSQL', () => {
  describeRequestFuzz(() =>
    startPostgresTarget({ table: 'Fuzz_Patients', rows: 300, env: { target_rows_per_split: '100' } }),
  );
});
