/**
 * String literals in summary predicates. MySQL compares a column with a bound string in the
 * column's character set, and fails the statement (ER_CANT_AGGREGATE_…COLLATIONS) when the literal
 * has a character that set cannot hold: `s IN ('abc', '🎉')` on a latin1 column. Such a literal, or
 * one longer than the column holds, equals no stored value under Athena's exact comparison, so it is
 * dropped from the list; columns whose character set is not known here are compared in utf8mb4.
 */
import type { MappedColumn } from './aurora-types.js';

/** What a literal list becomes: the bound values and the expression they are compared with. */
export interface StringList {
  /** The column as compared: itself, or converted to utf8mb4 when its character set is unknown here. */
  readonly operand: string;
  /** The literals some stored value could equal, in order. */
  readonly values: readonly string[];
}

/** The cp1252 characters of MySQL's latin1 in bytes 0x80–0x9F (the undefined bytes map to U+0081, …). */
const LATIN1_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178, 0x0081,
  0x008d, 0x008f, 0x0090, 0x009d,
]);

/** Which code points a character set holds, and how many bytes it stores one in; undefined for sets not listed. */
function repertoire(
  characterSet: string,
): { holds: (codePoint: number) => boolean; bytes: (codePoint: number) => number } | undefined {
  const utf8Bytes = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  switch (characterSet.toLowerCase()) {
    case 'utf8mb4':
      return { holds: () => true, bytes: utf8Bytes };
    case 'utf8mb3':
    case 'utf8':
      return { holds: (cp) => cp <= 0xffff, bytes: utf8Bytes };
    case 'ucs2':
      return { holds: (cp) => cp <= 0xffff, bytes: () => 2 };
    case 'utf16':
    case 'utf16le':
      return { holds: () => true, bytes: (cp) => (cp <= 0xffff ? 2 : 4) };
    case 'utf32':
      return { holds: () => true, bytes: () => 4 };
    case 'latin1':
      return { holds: (cp) => cp < 0x80 || (cp >= 0xa0 && cp <= 0xff) || LATIN1_EXTRAS.has(cp), bytes: () => 1 };
    case 'ascii':
      return { holds: (cp) => cp < 0x80, bytes: () => 1 };
    default:
      return undefined;
  }
}

/** A lone surrogate: no value read from MySQL (valid UTF-8) can hold one. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether a value of `column` could equal `literal` exactly: every character is in the column's
 * character set and the literal is no longer than the column holds (in characters and in bytes).
 * Unknown character sets and lengths pass.
 */
function couldHold(column: MappedColumn, literal: string, set: ReturnType<typeof repertoire>): boolean {
  if (LONE_SURROGATE.test(literal)) return false;
  const text = column.mysql.text;
  let chars = 0;
  let bytes = 0;
  for (const char of literal) {
    const cp = char.codePointAt(0) ?? 0;
    if (set !== undefined) {
      if (!set.holds(cp)) return false;
      bytes += set.bytes(cp);
    }
    chars++;
  }
  const maxChars = text?.maxChars ?? null;
  const maxBytes = text?.maxBytes ?? null;
  if (maxChars !== null && chars > maxChars) return false;
  return set === undefined || maxBytes === null || bytes <= maxBytes;
}

/**
 * The literals of an IN list a string column could hold, and how to compare with them. A column
 * in a character set listed here is compared as is (its index stays usable, MySQL converts each
 * literal to the column's set); any other is compared as `CONVERT(col USING utf8mb4)`, which any
 * literal converts to. Extra matches from the collation (case, accents, trailing spaces) are
 * dropped by core's exact re-check.
 */
export function stringList(column: MappedColumn, quoted: string, literals: readonly string[]): StringList {
  // MySQL 8's JSON type compares with a string as JSON (`j = '{}'` is false for the object {}); its
  // text, which is what Athena reads, compares as text. (MariaDB's JSON is a LONGTEXT.)
  if (column.mysql.dataType.toLowerCase() === 'json')
    return {
      operand: `CAST(${quoted} AS CHAR)`,
      values: literals.filter((literal) => couldHold(column, literal, repertoire('utf8mb4'))),
    };
  const characterSet = column.mysql.text?.characterSet ?? null;
  const set = characterSet === null ? undefined : repertoire(characterSet);
  return {
    operand: set === undefined ? `CONVERT(${quoted} USING utf8mb4)` : quoted,
    values: literals.filter((literal) => couldHold(column, literal, set)),
  };
}
