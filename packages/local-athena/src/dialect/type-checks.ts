/**
 * Athena's operand type checks in a translation's check SQL: where Athena refuses operand types
 * DuckDB converts implicitly (`date_col = '2024-01-01'`), binding the check SQL fails with
 * Athena's error (the macros in duckdb-macros.ts name the failed check).
 */
import type { ParserRuleContext, ParseTree } from 'antlr4ng';
import {
  type ArithmeticBinaryContext,
  BetweenContext,
  ComparisonContext,
  InListContext,
  type PredicatedContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { type SqlPosition, refusedClasses, typeCheckError, typeClass, typeClassNames } from './errors.js';
import { staticType } from './operand-types.js';
import { sqlString, stringLiteral } from './zone-translator.js';

/** One of Athena's operand type checks in a translation's check SQL. */
export interface TypeCheck {
  readonly kind: 'comparison' | 'between' | 'in' | 'arithmetic';
  /** `=`, `+` …; BETWEEN and IN for those. */
  readonly operator: string;
  readonly position: SqlPosition;
  /** Per operand, its text when it is a string literal (`'2024-01-01'`). */
  readonly literals: readonly (string | undefined)[];
  /**
   * Per operand, its DuckDB type when the SQL shows it (a literal, a CAST); the failed check's key
   * names the types of the others, in order.
   */
  readonly staticTypes: readonly (string | undefined)[];
}

/** What the checks need of the translation they are added to. */
export interface CheckedTranslation {
  position(node: ParseTree): SqlPosition;
  /** The node's children written out, with the user's spacing between them. */
  children(ctx: ParserRuleContext): string;
}

/** The translation operand types are read from: one without checks, so that checks do not nest. */
export interface PlainTranslation {
  emit(node: ParseTree): string;
}

/** Adds Athena's type checks to one translation, registering each in the query's list of checks. */
export class TypeChecker {
  readonly #translation: CheckedTranslation;
  readonly #plain: PlainTranslation;
  readonly #checks: TypeCheck[];

  constructor(translation: CheckedTranslation, plain: PlainTranslation, checks: TypeCheck[]) {
    this.#translation = translation;
    this.#plain = plain;
    this.#checks = checks;
  }

  /** A comparison, BETWEEN or IN list with Athena's check of its operands' types. */
  predicate(ctx: PredicatedContext): string {
    const text = this.#translation.children(ctx);
    const predicate = ctx.predicate();
    const value = ctx.valueExpression();
    let checks: (string | undefined)[];
    if (predicate instanceof ComparisonContext)
      checks = [
        this.#key('comparison', predicate.comparisonOperator().getText(), ctx, [value, predicate.valueExpression()]),
      ];
    else if (predicate instanceof BetweenContext)
      checks = [this.#key('between', 'BETWEEN', ctx, [value, ...predicate.valueExpression()])];
    else if (predicate instanceof InListContext) {
      // The items the SQL shows the types of, checked together; the others one by one.
      const items = predicate.expression();
      const shown = items.filter((item) => staticType(item) !== undefined);
      const hidden = items.filter((item) => staticType(item) === undefined);
      checks = [
        ...(shown.length === 0 ? [] : [this.#key('in', 'IN', ctx, [value, ...shown])]),
        ...hidden.map((item) => this.#key('in', 'IN', ctx, [value, item])),
      ];
    } else return text;
    const keys = checks.filter((key): key is string => key !== undefined);
    return keys.length === 0
      ? text
      : `(${keys.map((key) => `struct_extract({'ok': true}, ${key})`).join(' AND ')} AND ${text})`;
  }

  /** Arithmetic whose translation is `value`, with Athena's check of its operands' types. */
  arithmetic(ctx: ArithmeticBinaryContext, value: string): string {
    const operator = ctx._operator?.text ?? '+';
    // The check binds first (DuckDB binds a CASE's condition before its value), so it explains
    // operands DuckDB itself cannot combine (`1 + '2'`) too; the value keeps its type.
    const key = this.#key('arithmetic', operator, ctx, [
      ctx.valueExpression(0) as ParserRuleContext,
      ctx.valueExpression(1) as ParserRuleContext,
    ]);
    return key === undefined ? value : `CASE WHEN struct_extract({'ok': true}, ${key}) THEN ${value} END`;
  }

  /**
   * The struct key that is 'ok' when Athena accepts the operands' types and names the failed check
   * otherwise (the macros in duckdb-macros.ts), or undefined when no check is needed. Operands whose
   * type the SQL shows (literals, CASTs) are decided here: when all are, at once (a refusal is
   * thrown); when one is not, only its type is looked up, against the classes the others refuse
   * (cheap to bind); otherwise every operand's type is read from its plain translation, so checks
   * do not nest.
   */
  #key(
    kind: TypeCheck['kind'],
    operator: string,
    at: ParseTree,
    operands: readonly ParserRuleContext[],
  ): string | undefined {
    const staticTypes = operands.map((o) => staticType(o));
    const check: TypeCheck = {
      kind,
      operator,
      position: this.#translation.position(at),
      literals: operands.map(stringLiteral),
      staticTypes,
    };
    const known = staticTypes.filter((t): t is string => t !== undefined);
    const classes = [...new Set(known.map(typeClass))];
    if (classes.includes('other')) return undefined;
    const unknown = staticTypes.flatMap((t, i) => (t === undefined ? [i] : []));
    if (unknown.length === 0) {
      const [first, ...rest] = known;
      const refused = rest.some((t) => refusedClasses(kind, typeClass(first ?? '')).includes(typeClass(t)));
      if (refused) throw typeCheckError(check, known);
      return undefined;
    }
    const id = this.#checks.length;
    this.#checks.push(check);
    if (unknown.length === 1 && classes.length === 1) {
      const refused = refusedClasses(kind, classes[0] ?? '');
      const names = refused.flatMap((c) => typeClassNames[c] ?? []);
      return `athena_refuse_types(${id}, typeof(${this.#plain.emit(operands[unknown[0] as number] as ParserRuleContext)}), [${names.map((n) => sqlString(n)).join(', ')}]::VARCHAR[], ${refused.includes('number')})`;
    }
    // DuckDB itself refuses * / % on anything but numbers (and intervals), so only + and - (a
    // date plus an integer) need the general check, which costs a few milliseconds to bind.
    if (kind === 'arithmetic' && !['+', '-'].includes(operator)) {
      this.#checks.pop();
      return undefined;
    }
    const macro =
      kind === 'arithmetic'
        ? 'athena_arithmetic_check'
        : kind === 'between'
          ? 'athena_between_check'
          : 'athena_comparison_check';
    // The general macros read every operand's type from the key; no operand counts as known.
    this.#checks[id] = { ...check, staticTypes: staticTypes.map(() => undefined) };
    return `${macro}(${id}, ${operands.map((o) => `typeof(${this.#plain.emit(o)})`).join(', ')})`;
  }
}
