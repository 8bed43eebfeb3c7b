// The generator is deterministic and the rule flags a plausible minority, for reasons of both kinds.
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { urgentCareFlags } from '../src/urgent-care.js';

describe('patient-care data and rule', () => {
  it('generates the same data for the same seed, and different data for another', () => {
    expect(generate({ patients: 50 })).toEqual(generate({ patients: 50 }));
    expect(generate({ patients: 50, seed: 7 }).readings).not.toEqual(generate({ patients: 50 }).readings);
  });

  it('flags a minority of patients, for rising pulse and for falling activity', () => {
    const data = generate();
    const flags = urgentCareFlags(data);
    expect(data.readings.length).toBe(300 * 10 * 24);
    expect(flags.length).toBeGreaterThan(3);
    expect(flags.length).toBeLessThan(data.patients.length / 4);
    expect(flags.some((f) => f.reason.includes('resting pulse up'))).toBe(true);
    expect(flags.some((f) => f.reason.includes('activity down'))).toBe(true);
    expect(flags.every((f) => /risk: (I|J|N)/.test(f.reason))).toBe(true);
  });
});
