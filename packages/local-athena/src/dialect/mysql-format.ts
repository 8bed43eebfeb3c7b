/**
 * Athena's `date_format`/`date_parse` patterns (MySQL's specifiers, as Trino implements them) as
 * DuckDB `strftime`/`strptime` patterns. Trino refuses %D %U %u %V %w %X, and so does this.
 * https://trino.io/docs/current/functions/datetime.html#mysql-date-functions
 */
import { AthenaSqlError, type SqlPosition } from './errors.js';

const specifiers: Readonly<Record<string, string>> = {
  a: '%a',
  b: '%b',
  c: '%-m',
  d: '%d',
  e: '%-d',
  f: '%f',
  H: '%H',
  h: '%I',
  I: '%I',
  i: '%M',
  j: '%j',
  k: '%-H',
  l: '%-I',
  M: '%B',
  m: '%m',
  p: '%p',
  r: '%I:%M:%S %p',
  S: '%S',
  s: '%S',
  T: '%H:%M:%S',
  v: '%V',
  W: '%A',
  x: '%G',
  Y: '%Y',
  y: '%y',
  '%': '%%',
};

const unsupported = new Set(['D', 'U', 'u', 'V', 'w', 'X']);

/**
 * Converts a MySQL-style pattern; any other character after `%` stands for itself, as in MySQL.
 *
 * @throws {AthenaSqlError} for the specifiers Athena does not support.
 */
export function mysqlToStrftime(pattern: string, position?: SqlPosition): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char !== '%') {
      out += char;
      continue;
    }
    const next = pattern[++i];
    if (next === undefined) break;
    if (unsupported.has(next)) throw new AthenaSqlError(`%${next} not supported in date format string`, position);
    out += specifiers[next] ?? (next === '%' ? '%%' : next);
  }
  return out;
}
