/**
 * A deterministic healthcare data set: EHR (patients, conditions with ICD-10 codes, encounters) and
 * claims for MySQL, hourly wearable readings (steps, sleep minutes, resting pulse) for DynamoDB.
 * The same seed and scale always give the same rows, so the flagged set is reproducible.
 */
import { seededRandom } from '@athena-federation/connector-core/harness';

/** A patient of the EHR. */
export interface Patient {
  readonly patient_id: number;
  readonly mrn: string;
  readonly full_name: string;
  readonly birth_date: string;
  readonly sex: 'F' | 'M';
}

/** A diagnosis on a patient's problem list. */
export interface Condition {
  readonly condition_id: number;
  readonly patient_id: number;
  readonly icd10_code: string;
  readonly description: string;
  readonly onset_date: string;
}

/** A visit. */
export interface Encounter {
  readonly encounter_id: number;
  readonly patient_id: number;
  readonly encounter_date: string;
  readonly kind: 'office' | 'emergency' | 'inpatient' | 'telehealth';
}

/** One claim line. `amount` is an exact decimal string (DECIMAL(12,2)). */
export interface ClaimLine {
  readonly claim_id: number;
  readonly line_no: number;
  readonly patient_id: number;
  readonly service_date: string;
  readonly procedure_code: string;
  readonly amount: string;
  readonly status: 'paid' | 'denied' | 'pending';
}

/** One hour of a patient's wearable data. `reading_time` is ISO-8601 UTC, the DynamoDB sort key. */
export interface Reading {
  readonly patient_id: number;
  readonly reading_time: string;
  readonly steps: number;
  readonly sleep_minutes: number;
  readonly resting_pulse: number;
}

/** The whole data set. */
export interface PatientCareData {
  readonly asOf: string;
  readonly patients: readonly Patient[];
  readonly conditions: readonly Condition[];
  readonly encounters: readonly Encounter[];
  readonly claims: readonly ClaimLine[];
  readonly readings: readonly Reading[];
}

/** ICD-10 codes used, with the risk conditions the urgent-care rule cares about marked. */
export const CONDITIONS: readonly { readonly code: string; readonly description: string; readonly risk: boolean }[] = [
  { code: 'I50.9', description: 'Heart failure, unspecified', risk: true },
  { code: 'I48.91', description: 'Atrial fibrillation, unspecified', risk: true },
  { code: 'J44.9', description: 'Chronic obstructive pulmonary disease, unspecified', risk: true },
  { code: 'N18.4', description: 'Chronic kidney disease, stage 4', risk: true },
  { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications', risk: false },
  { code: 'I10', description: 'Essential (primary) hypertension', risk: false },
  { code: 'E78.5', description: 'Hyperlipidemia, unspecified', risk: false },
  { code: 'M54.5', description: 'Low back pain', risk: false },
];

const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Farah',
  'Gus',
  'Hana',
  'Ivo',
  'Józef',
  'Kai',
  'Lena',
  'Mateo',
  'Nia',
  'Omar',
  'Priya',
];
const LAST = ['Okafor', 'Lindqvist', 'García', 'Nguyen', "O'Brien", 'Schmidt', 'Tanaka', 'Kowalski', 'Haddad', 'Silva'];

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Options of {@link generate}. */
export interface GenerateOptions {
  readonly seed?: number;
  /** Number of patients (default 300). Readings: patients × days × 24. */
  readonly patients?: number;
  /** Days of hourly readings up to `asOf` (default 10). */
  readonly days?: number;
  /** The "today" of the data set (default 2026-11-20). */
  readonly asOf?: string;
}

/** Generates the data set. */
export function generate(options: GenerateOptions = {}): PatientCareData {
  const next = seededRandom(options.seed ?? 20261127);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const asOf = options.asOf ?? '2026-11-20';
  const end = Date.parse(`${asOf}T00:00:00Z`);
  const days = options.days ?? 10;
  const patients: Patient[] = [];
  const conditions: Condition[] = [];
  const encounters: Encounter[] = [];
  const claims: ClaimLine[] = [];
  const readings: Reading[] = [];
  let conditionId = 1;
  let encounterId = 1;
  let claimId = 1;
  for (let p = 1; p <= (options.patients ?? 300); p++) {
    const birth = Date.parse('1940-01-01T00:00:00Z') + Math.floor(next() * 60 * 365) * DAY;
    patients.push({
      patient_id: p,
      mrn: `MRN-${String(p).padStart(6, '0')}`,
      full_name: `${pick(FIRST)} ${pick(LAST)}`,
      birth_date: isoDate(birth),
      sex: next() < 0.5 ? 'F' : 'M',
    });
    const conditionCount = Math.floor(next() * 3);
    const taken = new Set<string>();
    for (let c = 0; c < conditionCount; c++) {
      const condition = pick(CONDITIONS);
      if (taken.has(condition.code)) continue;
      taken.add(condition.code);
      conditions.push({
        condition_id: conditionId++,
        patient_id: p,
        icd10_code: condition.code,
        description: condition.description,
        onset_date: isoDate(end - Math.floor(next() * 3000) * DAY),
      });
    }
    for (let e = Math.floor(next() * 4); e > 0; e--) {
      const date = end - Math.floor(next() * 365) * DAY;
      encounters.push({
        encounter_id: encounterId++,
        patient_id: p,
        encounter_date: isoDate(date),
        kind: pick(['office', 'office', 'telehealth', 'emergency', 'inpatient'] as const),
      });
      const lines = 1 + Math.floor(next() * 3);
      for (let l = 1; l <= lines; l++) {
        const cents = 2_000 + Math.floor(next() * 250_000);
        claims.push({
          claim_id: claimId,
          line_no: l,
          patient_id: p,
          service_date: isoDate(date),
          procedure_code: pick(['99213', '99214', '93000', '80053', '71046', '99284']),
          amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
          status: pick(['paid', 'paid', 'paid', 'denied', 'pending'] as const),
        });
      }
      claimId++;
    }
    // Each patient's own baseline; about one in eight deteriorates over the last two days.
    const basePulse = 55 + Math.floor(next() * 25);
    const baseSteps = 200 + Math.floor(next() * 600);
    const deteriorates = next() < 0.125;
    const pulseJump = deteriorates && next() < 0.7 ? 14 + Math.floor(next() * 16) : 0;
    const activityDrop = deteriorates && pulseJump === 0 ? 0.35 + next() * 0.2 : 1;
    for (let h = days * 24; h >= 1; h--) {
      const at = end - h * 3_600_000;
      const recent = h <= 48;
      const hour = new Date(at).getUTCHours();
      const asleep = hour < 6;
      const steps = asleep
        ? Math.floor(next() * 10)
        : Math.floor(baseSteps * (0.6 + next() * 0.8) * (recent ? activityDrop : 1));
      readings.push({
        patient_id: p,
        reading_time: new Date(at).toISOString(),
        steps,
        sleep_minutes: asleep ? 40 + Math.floor(next() * 21) : 0,
        resting_pulse: basePulse + Math.floor(next() * 7) - 3 + (recent ? pulseJump : 0),
      });
    }
  }
  return { asOf, patients, conditions, encounters, claims, readings };
}
