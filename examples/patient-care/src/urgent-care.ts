/**
 * The urgent-care rule, twice: as the SQL a clinician's analyst would write for Athena (Athena's
 * own dialect: quoted intervals, listagg, explicit CASTs, so the same text runs on Athena and in
 * local-athena), and as
 * plain TypeScript over the generated rows, so the federated answer can be checked independently.
 *
 * A patient is flagged when, over the last 48 hours compared with their own earlier baseline,
 * their resting pulse rose by 12 bpm or more, or their daytime activity fell below 60% — and they
 * have a risk condition (heart failure, atrial fibrillation, COPD, CKD stage 4) and a claim in
 * the last 90 days.
 */
import { CONDITIONS, type PatientCareData } from './generate.js';

/** Catalog names the query uses. */
export interface CatalogNames {
  readonly ehr: string;
  readonly devices: string;
  /** The database or schema (Athena schema) holding the EHR tables; default `ehr`. */
  readonly ehrSchema?: string;
  /** The catalog holding `claim_lines`, when not the EHR's (EHR in PostgreSQL, claims in MySQL). */
  readonly claims?: string;
  /** The claims catalog's schema; default the EHR schema. */
  readonly claimsSchema?: string;
}

const riskCodes = CONDITIONS.filter((c) => c.risk).map((c) => c.code);

/** The query, for Athena or local-athena. */
export function urgentCareSql(asOf: string, catalogs: CatalogNames = { ehr: 'ehr', devices: 'devices' }): string {
  const codes = riskCodes.map((c) => `'${c}'`).join(', ');
  return `
WITH readings AS (
  SELECT patient_id,
         CAST(from_iso8601_timestamp(reading_time) AS TIMESTAMP) AS read_at,
         steps,
         resting_pulse
  FROM ${catalogs.devices}.default.device_readings
),
baseline AS (
  SELECT patient_id,
         avg(resting_pulse) AS base_pulse,
         avg(steps) FILTER (WHERE hour(read_at) >= 6) AS base_steps
  FROM readings
  WHERE read_at < TIMESTAMP '${asOf} 00:00:00' - INTERVAL '48' HOUR
  GROUP BY patient_id
),
recent AS (
  SELECT patient_id,
         avg(resting_pulse) AS recent_pulse,
         avg(steps) FILTER (WHERE hour(read_at) >= 6) AS recent_steps
  FROM readings
  WHERE read_at >= TIMESTAMP '${asOf} 00:00:00' - INTERVAL '48' HOUR
  GROUP BY patient_id
),
risk AS (
  SELECT patient_id, listagg(icd10_code, ', ') WITHIN GROUP (ORDER BY icd10_code) AS risk_conditions
  FROM ${catalogs.ehr}.${catalogs.ehrSchema ?? 'ehr'}.conditions
  WHERE icd10_code IN (${codes})
  GROUP BY patient_id
),
recent_claims AS (
  SELECT patient_id, count(DISTINCT claim_id) AS claims_90d
  FROM ${catalogs.claims ?? catalogs.ehr}.${catalogs.claimsSchema ?? catalogs.ehrSchema ?? 'ehr'}.claim_lines
  WHERE service_date >= DATE '${asOf}' - INTERVAL '90' DAY
  GROUP BY patient_id
)
SELECT p.patient_id,
       p.mrn,
       p.full_name,
       round(r.recent_pulse - b.base_pulse, 1) AS pulse_rise_bpm,
       round(100 * r.recent_steps / b.base_steps) AS activity_pct,
       concat_ws('; ',
         CASE WHEN r.recent_pulse - b.base_pulse >= 12 THEN 'resting pulse up ' || CAST(CAST(round(r.recent_pulse - b.base_pulse) AS INTEGER) AS VARCHAR) || ' bpm' END,
         CASE WHEN r.recent_steps < 0.6 * b.base_steps THEN 'activity down to ' || CAST(CAST(round(100 * r.recent_steps / b.base_steps) AS INTEGER) AS VARCHAR) || '%' END,
         'risk: ' || k.risk_conditions,
         CAST(c.claims_90d AS VARCHAR) || ' claim(s) in 90 days') AS reason
FROM ${catalogs.ehr}.${catalogs.ehrSchema ?? 'ehr'}.patients p
JOIN baseline b ON b.patient_id = p.patient_id
JOIN recent r ON r.patient_id = p.patient_id
JOIN risk k ON k.patient_id = p.patient_id
JOIN recent_claims c ON c.patient_id = p.patient_id
WHERE r.recent_pulse - b.base_pulse >= 12 OR r.recent_steps < 0.6 * b.base_steps
ORDER BY p.patient_id`;
}

/** One flagged patient and why. */
export interface Flag {
  readonly patient_id: number;
  readonly reason: string;
}

/** The same rule computed directly from the generated rows (no SQL, no connectors). */
export function urgentCareFlags(data: PatientCareData): Flag[] {
  const cutoff = Date.parse(`${data.asOf}T00:00:00Z`) - 48 * 3_600_000;
  const claimsFrom = Date.parse(`${data.asOf}T00:00:00Z`) - 90 * 86_400_000;
  type Acc = { pulse: number; n: number; steps: number; stepHours: number };
  const acc = () => ({ pulse: 0, n: 0, steps: 0, stepHours: 0 });
  const base = new Map<number, Acc>();
  const recent = new Map<number, Acc>();
  for (const r of data.readings) {
    const at = Date.parse(r.reading_time);
    const into = at < cutoff ? base : recent;
    const a = into.get(r.patient_id) ?? acc();
    a.pulse += r.resting_pulse;
    a.n++;
    if (new Date(at).getUTCHours() >= 6) {
      a.steps += r.steps;
      a.stepHours++;
    }
    into.set(r.patient_id, a);
  }
  const risk = new Map<number, string[]>();
  for (const c of data.conditions)
    if (CONDITIONS.find((k) => k.code === c.icd10_code)?.risk === true)
      risk.set(c.patient_id, [...(risk.get(c.patient_id) ?? []), c.icd10_code]);
  const claims = new Map<number, Set<number>>();
  for (const l of data.claims)
    if (Date.parse(`${l.service_date}T00:00:00Z`) >= claimsFrom)
      claims.set(l.patient_id, (claims.get(l.patient_id) ?? new Set()).add(l.claim_id));
  const flags: Flag[] = [];
  for (const p of data.patients) {
    const b = base.get(p.patient_id);
    const r = recent.get(p.patient_id);
    const k = risk.get(p.patient_id);
    const c = claims.get(p.patient_id);
    if (
      b === undefined ||
      r === undefined ||
      k === undefined ||
      c === undefined ||
      b.n === 0 ||
      r.n === 0 ||
      b.stepHours === 0 ||
      r.stepHours === 0
    )
      continue;
    const rise = r.pulse / r.n - b.pulse / b.n;
    const ratio = r.steps / r.stepHours / (b.steps / b.stepHours);
    const reasons: string[] = [];
    if (rise >= 12) reasons.push(`resting pulse up ${Math.round(rise)} bpm`);
    if (ratio < 0.6) reasons.push(`activity down to ${Math.round(100 * ratio)}%`);
    if (reasons.length === 0) continue;
    reasons.push(`risk: ${[...k].sort().join(', ')}`, `${c.size} claim(s) in 90 days`);
    flags.push({ patient_id: p.patient_id, reason: reasons.join('; ') });
  }
  return flags;
}
