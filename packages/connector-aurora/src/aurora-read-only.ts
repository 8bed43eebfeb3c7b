/**
 * The statement check of query passthrough: `system.query` runs one query expression that only
 * reads. The READ ONLY transaction it runs in stops writes to tables, but not a second statement,
 * `SELECT … INTO OUTFILE`, locking reads, variable assignments, named locks or sequence increments,
 * whose effects outlive the read; this check refuses those by name, before MySQL sees the text.
 * Comments and quoted text are skipped as MySQL lexes them, with and without backslash escapes (the
 * server's `NO_BACKSLASH_ESCAPES` decides which, so both readings must pass).
 */
import { ConnectorError } from '@athena-federation/connector-core';

/** A word (keyword or identifier, unquoted) or a symbol, as MySQL's lexer would cut them. */
interface Token {
  readonly word: boolean;
  readonly text: string;
}

/** Functions whose effects outlive the statement: named locks, sequences, the session's insert id. */
const SESSION_FUNCTIONS = new Set([
  'GET_LOCK',
  'RELEASE_LOCK',
  'RELEASE_ALL_LOCKS',
  'NEXTVAL',
  'SETVAL',
  'LAST_INSERT_ID',
]);
/** What a query expression may start with. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
/** MySQL's identifier characters and white space: ASCII only, every other character is part of a word. */
const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;
const SPACE = /[ \t\n\r\f\v]/;

function refuse(what: string): ConnectorError {
  return new ConnectorError(
    'InvalidInput',
    `system.query runs one read-only query (SELECT, WITH, VALUES or TABLE); ${what} is not allowed`,
  );
}

/**
 * The tokens of `query` outside comments and quoted text. `backslashEscapes`: whether `\` escapes
 * the next character inside quotes (MySQL's default; off with `NO_BACKSLASH_ESCAPES`).
 *
 * @throws {ConnectorError} for an executable comment (`/*! … *\/`, `/*M! … *\/`), whose text runs as SQL.
 */
function tokens(query: string, backslashEscapes: boolean): Token[] {
  const out: Token[] = [];
  const n = query.length;
  let i = 0;
  while (i < n) {
    const c = query[i] as string;
    const next = query[i + 1];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '#' || (c === '-' && next === '-' && (i + 2 >= n || query.charCodeAt(i + 2) <= 0x20))) {
      const end = query.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      if (query[i + 2] === '!' || (query[i + 2] === 'M' && query[i + 3] === '!'))
        throw refuse('an executable comment (/*! … */)');
      const end = query.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        const d = query[i];
        if (d === '\\' && backslashEscapes && c !== '`') i += 2;
        else if (d === c && query[i + 1] === c) i += 2;
        else if (d === c) break;
        else i++;
      }
      i++;
    } else if (WORD.test(c)) {
      let end = i + 1;
      while (end < n && WORD.test(query[end] as string)) end++;
      out.push({ word: true, text: query.slice(i, end).toUpperCase() });
      i = end;
    } else if (c === ':' && next === '=') {
      out.push({ word: false, text: ':=' });
      i += 2;
    } else {
      out.push({ word: false, text: c });
      i++;
    }
  }
  return out;
}

function checkTokens(list: readonly Token[]): void {
  const first = list[0];
  if (first === undefined || !(first.text === '(' || (first.word && QUERY_STARTS.has(first.text))))
    throw refuse('a statement that is not a query');
  list.forEach((token, index) => {
    const after = list[index + 1];
    if (!token.word) {
      if (token.text === ';') throw refuse('a second statement (;)');
      if (token.text === ':=') throw refuse('a variable assignment (:=)');
      return;
    }
    if (token.text === 'INTO') throw refuse('SELECT … INTO');
    if (token.text === 'PROCEDURE') throw refuse('SELECT … PROCEDURE');
    if (token.text === 'FOR' && after?.word === true && (after.text === 'UPDATE' || after.text === 'SHARE'))
      throw refuse(`a locking read (FOR ${after.text})`);
    if (token.text === 'LOCK' && after?.text === 'IN') throw refuse('a locking read (LOCK IN SHARE MODE)');
    if (token.text === 'NEXT' && after?.text === 'VALUE') throw refuse('NEXT VALUE FOR (a sequence increment)');
    if (SESSION_FUNCTIONS.has(token.text) && after?.text === '(')
      throw refuse(`${token.text}() (its effect outlives the query)`);
  });
}

/**
 * Checks that `query` is one query expression without effects beyond its result.
 *
 * @throws {ConnectorError} `InvalidInput` naming what is not allowed (never quoting the query, which may hold patient data).
 */
export function checkReadOnlyQuery(query: string): void {
  checkTokens(tokens(query, true));
  checkTokens(tokens(query, false));
}
