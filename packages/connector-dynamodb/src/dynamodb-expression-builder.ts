/**
 * Placeholders for one request's expressions, and DynamoDB's limits on them (developer guide,
 * "Constraints" › "Expression parameters"): every expression string at most 4 KB, at most 300
 * operators or functions in one, IN at most 100 operands, all substitution variables together at
 * most 2 MB. Pushdown is optional — core re-checks every row — so what would break a limit is
 * left out (a filter clause, or the whole projection) instead of failing the read.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Longest expression string DynamoDB takes, in bytes. */
export const MAX_EXPRESSION_BYTES = 4096;
/** Most operators and functions in one expression (documented for UpdateExpression; AWS's operator-counting example holds filters to it too). */
export const MAX_OPERATORS = 300;
/** Most operands of one IN. */
export const MAX_IN_OPERANDS = 100;
/** Names and values of all substitution variables together, in bytes (placeholders included). */
export const MAX_SUBSTITUTION_BYTES = 2 * 1024 * 1024;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A value's size as the request carries it (binary as base64): never less than DynamoDB counts. */
function valueBytes(value: AttributeValue): number {
  return utf8Bytes(
    JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
  );
}

/** Operators and functions of an expression this connector wrote (`#n`/`:v` placeholders hold no letters it counts). */
export function operatorCount(expression: string): number {
  const operators = expression.match(/<=|>=|<>|[=<>]|\b(?:AND|OR|NOT|IN|BETWEEN)\b|\w+\(/g)?.length ?? 0;
  // `BETWEEN a AND b` is one operator, not two.
  return operators - (expression.match(/\bBETWEEN\b/g)?.length ?? 0);
}

/** Whether DynamoDB takes `expression` as one expression string. */
export function fitsExpression(expression: string): boolean {
  return utf8Bytes(expression) <= MAX_EXPRESSION_BYTES && operatorCount(expression) <= MAX_OPERATORS;
}

/** A point of an {@link ExpressionBuilder} to go back to. */
export interface BuilderMark {
  readonly names: number;
  readonly values: number;
  readonly bytes: number;
}

/** Builds placeholder names and values for one request's expressions. */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  #nameCount = 0;
  #valueCount = 0;
  #bytes = 0;
  readonly #nameOf = new Map<string, string>();
  /** Attributes in the order their placeholders were made, to undo them. */
  readonly #named: string[] = [];
  readonly #sharedValues = new Map<string, string>();

  /** The `#n…` placeholder for attribute `attribute` (reused for the same attribute). */
  name(attribute: string): string {
    let placeholder = this.#nameOf.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.#nameCount++}`;
      this.#nameOf.set(attribute, placeholder);
      this.#named.push(attribute);
      this.names[placeholder] = attribute;
      this.#bytes += utf8Bytes(placeholder) + utf8Bytes(attribute);
    }
    return placeholder;
  }

  /** A fresh `:v…` placeholder bound to `value`. */
  value(value: AttributeValue): string {
    const placeholder = `:v${this.#valueCount++}`;
    this.values[placeholder] = value;
    this.#bytes += utf8Bytes(placeholder) + valueBytes(value);
    return placeholder;
  }

  /** One placeholder for a constant many clauses use (e.g. a type name), made on first use. */
  shared(key: string, value: AttributeValue): string {
    let placeholder = this.#sharedValues.get(key);
    if (placeholder === undefined) {
      placeholder = this.value(value);
      this.#sharedValues.set(key, placeholder);
    }
    return placeholder;
  }

  /** Names and values so far, in bytes, as DynamoDB's 2 MB substitution limit counts them (or more). */
  get substitutionBytes(): number {
    return this.#bytes;
  }

  mark(): BuilderMark {
    return { names: this.#nameCount, values: this.#valueCount, bytes: this.#bytes };
  }

  /** Forgets every placeholder made since `mark`: DynamoDB refuses names and values no expression uses. */
  reset(mark: BuilderMark): void {
    for (const attribute of this.#named.splice(mark.names)) {
      const placeholder = this.#nameOf.get(attribute);
      this.#nameOf.delete(attribute);
      if (placeholder !== undefined) delete this.names[placeholder];
    }
    for (let i = mark.values; i < this.#valueCount; i++) delete this.values[`:v${i}`];
    for (const [key, placeholder] of this.#sharedValues)
      if (Number(placeholder.slice(2)) >= mark.values) this.#sharedValues.delete(key);
    this.#nameCount = mark.names;
    this.#valueCount = mark.values;
    this.#bytes = mark.bytes;
  }

  /**
   * Runs `build` and keeps what it made only when `accept` takes its result and the substitutions
   * stay within DynamoDB's limit; otherwise undoes it and returns undefined.
   */
  attempt(build: () => string | undefined, accept: (expression: string) => boolean): string | undefined {
    const mark = this.mark();
    const built = build();
    if (built !== undefined && accept(built) && this.#bytes <= MAX_SUBSTITUTION_BYTES) return built;
    this.reset(mark);
    return undefined;
  }
}
