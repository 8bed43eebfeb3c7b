/**
 * Vitest global setup: after the whole run, scans every log line the test processes produced
 * (captured by phi-log-capture.ts into `PHI_LOG_SCAN_DIR`) for seeded PHI — the patient-care
 * generator's names, record numbers and reading times, and the values planted in this suite's
 * fixtures (sentinels.ts) — and fails the run on any hit, naming the file and the value.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLANTED_SENTINELS } from './sentinels.js';

/** The part of examples/patient-care's generator the scan uses (imported by path: it is not a dependency of this package). */
interface PatientCareGenerator {
  generate(options?: { readonly patients?: number }): {
    readonly patients: readonly { readonly mrn: string; readonly full_name: string }[];
    readonly readings: readonly { readonly reading_time: string }[];
  };
}

/** Every value whose appearance in a log is a leak. */
export async function seededSentinels(): Promise<{ readonly value: string; readonly kind: string }[]> {
  const generator = (await import(
    pathToFileURL(join(import.meta.dirname, '../../../../examples/patient-care/src/generate.ts')).href
  )) as PatientCareGenerator;
  // The default data set: its patients are a superset of what the example's tests generate (same seed, fewer patients).
  const data = generator.generate();
  const found = new Map<string, string>();
  for (const p of data.patients) {
    found.set(p.full_name, 'patient-care name');
    found.set(p.mrn, 'patient-care MRN');
  }
  for (const r of data.readings) found.set(r.reading_time, 'patient-care reading time');
  for (const value of PLANTED_SENTINELS) found.set(value, 'planted fixture value');
  return [...found].map(([value, kind]) => ({ value, kind }));
}

/**
 * Finds sentinels in text in one pass: a regular expression of their distinct 4-character prefixes
 * finds candidates, and a set per (prefix, length) confirms them — thousands of sentinels over
 * hundreds of megabytes of fuzz logs, where one `indexOf` per sentinel would take minutes.
 */
function sentinelMatcher(
  sentinels: readonly { readonly value: string; readonly kind: string }[],
): (text: string) => { value: string; kind: string; at: number }[] {
  const kinds = new Map(sentinels.map((s) => [s.value, s.kind]));
  const groups = new Map<string, Map<number, Set<string>>>();
  for (const { value } of sentinels) {
    const prefix = value.slice(0, 4);
    const byLength = groups.get(prefix) ?? new Map<number, Set<string>>();
    byLength.set(value.length, (byLength.get(value.length) ?? new Set()).add(value));
    groups.set(prefix, byLength);
  }
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A lookahead, so candidates that overlap (a sentinel starting inside another's prefix) are all seen.
  const candidates = new RegExp(`(?=(${[...groups.keys()].map(escape).join('|')}))`, 'gu');
  return (text) => {
    const found: { value: string; kind: string; at: number }[] = [];
    for (const match of text.matchAll(candidates)) {
      const at = match.index;
      for (const [length, values] of groups.get(match[1] ?? '') ?? []) {
        const value = text.slice(at, at + length);
        if (values.has(value)) found.push({ value, kind: kinds.get(value) ?? '', at });
      }
    }
    return found;
  };
}

/** Lines of the files in `dir` holding any sentinel, as `file: kind "value" in …excerpt…` (the first hit of each value per file). */
export async function scanLogDirectory(
  dir: string,
): Promise<{ readonly files: number; readonly bytes: number; readonly hits: string[] }> {
  const find = sentinelMatcher(await seededSentinels());
  const hits: string[] = [];
  let bytes = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    bytes += text.length;
    const reported = new Set<string>();
    for (const { value, kind, at } of find(text)) {
      if (reported.has(value)) continue;
      reported.add(value);
      hits.push(
        `${file}: ${kind} ${JSON.stringify(value)} in …${text.slice(Math.max(0, at - 120), at + value.length + 40).replace(/\s+/g, ' ')}…`,
      );
    }
  }
  return { files: files.length, bytes, hits };
}

/** Scans after the run (the returned teardown); a hit fails it. Removes the folder when this run created it. */
export default function setup(): () => Promise<void> {
  const dir = process.env['PHI_LOG_SCAN_DIR'];
  return async () => {
    if (dir === undefined || dir === '' || !existsSync(dir)) return;
    const { files, bytes, hits } = await scanLogDirectory(dir);
    if (process.env['PHI_LOG_SCAN_KEEP'] !== '1') rmSync(dir, { recursive: true, force: true });
    if (hits.length > 0) {
      // Not thrown: a throwing teardown would keep the other global teardowns (moto) from running.
      console.error(
        `\nPHI log scan FAILED: ${hits.length} seeded value(s) found in the test run's logs:\n${hits.slice(0, 20).join('\n')}\n`,
      );
      process.exitCode = 1;
      return;
    }
    console.log(`PHI log scan: no seeded value in ${files} log files (${Math.round(bytes / 1024)} KiB)`);
  };
}
