/**
 * DynamoDB's documented request limits that dynalite does not check, enforced in front of it so a
 * request real DynamoDB would refuse is refused here too, with DynamoDB's ValidationException
 * (developer guide, "Constraints" › "Expression parameters"):
 *
 * - any expression string (KeyCondition, Filter, Projection, Condition, Update) is at most 4 KB;
 * - any one placeholder of ExpressionAttributeNames/Values (`#name`, `:val`) is at most 255 bytes;
 * - all substitution variables together (names and values) are at most 2 MB;
 * - the IN comparator takes at most 100 operands;
 * - at most 300 operators or functions per expression: documented for UpdateExpression, and
 *   AWS's own operator-counting example applies it to filter expressions, so every expression
 *   is held to it here;
 * - a key value is at least 1 byte ("Partition keys and sort keys"): a Query whose
 *   KeyConditionExpression compares a key with an empty string or binary is refused (moto issue
 *   #7062 quotes DynamoDB's message; dynalite answers it with no items).
 *
 * dynalite accepted a 5,488-character ProjectionExpression and a 4,157-character FilterExpression
 * (issue #14); with this in front, every test that uses dynalite would have failed on them.
 *
 * It also corrects one dynalite answer that differs from DynamoDB's: dynalite's `IN` never matches
 * `false` or the empty string (it tests the attribute value's truthiness), so a filter or condition
 * `x IN (…)` is handed to dynalite as the equivalent `(x = … OR x = …)`, after the limits were
 * checked on the expression as sent. (dynalite's `attribute_type` has the same flaw for those two
 * values; no test relies on it.)
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** The longest expression string, in bytes. */
export const MAX_EXPRESSION_BYTES = 4096;
/** The longest placeholder (`#name`, `:val`), in bytes. */
export const MAX_PLACEHOLDER_BYTES = 255;
/** Names and values of all substitution variables together, in bytes. */
export const MAX_SUBSTITUTION_BYTES = 2 * 1024 * 1024;
/** Operands of one IN. */
export const MAX_IN_OPERANDS = 100;
/** Operators and functions of one expression. */
export const MAX_OPERATORS = 300;

const EXPRESSIONS = [
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
  'ConditionExpression',
  'UpdateExpression',
] as const;

const TOKEN = /\s+|<>|<=|>=|=|<|>|\(|\)|,|\+|-|\[\d+\]|\.|[#:]?[\p{L}\p{N}_]+|./gu;

/** The operator count and the largest IN of an expression, from its tokens. */
function countOperators(expression: string): { readonly operators: number; readonly largestIn: number } {
  const tokens = (expression.match(TOKEN) ?? []).filter((t) => !/^\s+$/.test(t));
  let operators = 0;
  let largestIn = 0;
  let betweens = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const word = token.toUpperCase();
    if (['=', '<>', '<', '<=', '>', '>=', '+', '-', 'OR', 'NOT'].includes(word)) operators++;
    else if (word === 'BETWEEN') {
      operators++;
      betweens++;
    } else if (word === 'AND') {
      // The AND of BETWEEN a AND b belongs to the BETWEEN.
      if (betweens > 0) betweens--;
      else operators++;
    } else if (word === 'IN' && tokens[i + 1] === '(') {
      operators++;
      let depth = 0;
      let operands = 1;
      for (let j = i + 1; j < tokens.length; j++) {
        if (tokens[j] === '(') depth++;
        else if (tokens[j] === ')' && --depth === 0) break;
        else if (tokens[j] === ',' && depth === 1) operands++;
      }
      largestIn = Math.max(largestIn, operands);
    } else if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(token) && tokens[i + 1] === '(') operators++;
  }
  return { operators, largestIn };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** What DynamoDB would refuse about this request body, or undefined. */
export function limitViolation(body: Readonly<Record<string, unknown>>): string | undefined {
  for (const name of EXPRESSIONS) {
    const expression = body[name];
    if (typeof expression !== 'string') continue;
    const size = bytes(expression);
    if (size > MAX_EXPRESSION_BYTES)
      return `Invalid ${name}: Expression size has exceeded the maximum allowed size; expression size: ${size}`;
    if (name === 'ProjectionExpression') continue;
    const { operators, largestIn } = countOperators(expression);
    if (largestIn > MAX_IN_OPERANDS)
      return `Invalid ${name}: The IN operator is provided with too many operands; number of operands: ${largestIn}`;
    if (operators > MAX_OPERATORS)
      return `Invalid ${name}: The expression contains too many operators; operator count: ${operators}`;
  }
  const keyCondition = body['KeyConditionExpression'];
  const values = body['ExpressionAttributeValues'];
  if (typeof keyCondition === 'string' && values !== null && typeof values === 'object') {
    for (const placeholder of keyCondition.match(/:[\p{L}\p{N}_]+/gu) ?? []) {
      const value = (values as Record<string, unknown>)[placeholder];
      if (
        value !== null &&
        typeof value === 'object' &&
        ((value as { S?: unknown }).S === '' || (value as { B?: unknown }).B === '')
      ) {
        return 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.';
      }
    }
  }
  let substitution = 0;
  for (const map of ['ExpressionAttributeNames', 'ExpressionAttributeValues'] as const) {
    const entries = body[map];
    if (entries === null || typeof entries !== 'object') continue;
    for (const [placeholder, value] of Object.entries(entries)) {
      if (bytes(placeholder) > MAX_PLACEHOLDER_BYTES)
        return `${map} contains invalid key: the key exceeds ${MAX_PLACEHOLDER_BYTES} bytes`;
      substitution += bytes(placeholder) + bytes(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  if (substitution > MAX_SUBSTITUTION_BYTES)
    return `Expression attribute names and values together exceed the maximum size; size: ${substitution}`;
  return undefined;
}

/**
 * `x IN (a, b)` → `(x = a OR x = b)`, for the simple operands and placeholder lists expressions
 * use; without its own parentheses where it already stands alone in some (dynalite refuses `((…))`).
 */
function withoutIn(expression: string): string {
  return expression.replace(
    /([#:]?[\p{L}\p{N}_.[\]#]+)\s+IN\s*\(([^()]*)\)/gu,
    (all: string, operand: string, list: string, offset: number) => {
      const ors = list
        .split(',')
        .map((item) => `${operand} = ${item.trim()}`)
        .join(' OR ');
      const enclosed =
        /\(\s*$/.test(expression.slice(0, offset)) && /^\s*\)/.test(expression.slice(offset + all.length));
      return enclosed ? ors : `(${ors})`;
    },
  );
}

/** The body dynalite should get instead, with its IN flaw worked around; undefined when the body is fine as sent. */
function forDynalite(body: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  let fixed: Record<string, unknown> | undefined;
  for (const name of ['FilterExpression', 'ConditionExpression'] as const) {
    const expression = body[name];
    if (typeof expression === 'string' && /\bIN\b/.test(expression)) {
      fixed ??= { ...body };
      fixed[name] = withoutIn(expression);
    }
  }
  return fixed;
}

/**
 * Puts the limits in front of a dynalite server: each request body is read, checked, and either
 * refused with a ValidationException or replayed to dynalite's own handler (its IN rewritten).
 */
export function enforceDynamoDbLimits(server: Server): void {
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      let violation: string | undefined;
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          violation = limitViolation(parsed as Record<string, unknown>);
          const fixed = forDynalite(parsed as Record<string, unknown>);
          if (fixed !== undefined) body = Buffer.from(JSON.stringify(fixed), 'utf8');
        }
      } catch {
        // Not JSON: dynalite answers that itself.
      }
      if (violation !== undefined) {
        const text = JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: violation });
        response.writeHead(400, {
          'Content-Type': 'application/x-amz-json-1.0',
          'Content-Length': Buffer.byteLength(text),
          'x-amzn-RequestId': 'limits',
        });
        response.end(text);
        return;
      }
      const replay = Object.assign(Readable.from(body.length === 0 ? [] : [body]), {
        headers: request.headers,
        method: request.method,
        url: request.url,
      }) as unknown as IncomingMessage;
      for (const handler of handlers) handler(replay, response);
    });
  });
}
