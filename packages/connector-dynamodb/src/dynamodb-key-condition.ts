/**
 * The KeyConditionExpression of a Query split: the hash value, and at most one condition on the
 * sort key — a `begins_with` for a LIKE 'prefix%' on it, or the range the summary gives it. Only
 * the condition sent gets placeholders: DynamoDB refuses a name or value no expression uses.
 */
import type { ValueSet } from '@athena-federation/connector-core';
import type { ExpressionBuilder } from './dynamodb-expression-builder.js';
import { beginsWith, isKeyPrefix, pointValues, sortKeyCondition, type LikeCondition } from './dynamodb-expressions.js';
import { constraintFor, type QuerySplit } from './dynamodb-splits.js';

/** A Query's key condition, and the attributes (lower-cased) its FilterExpression may not name. */
export interface QueryKeys {
  readonly condition: string;
  readonly keyAttributes: ReadonlySet<string>;
}

export function queryKeyCondition(
  builder: ExpressionBuilder,
  split: QuerySplit,
  summary: Readonly<Record<string, ValueSet>>,
  likes: readonly LikeCondition[],
): QueryKeys {
  let condition = `${builder.name(split.hashKey)} = ${builder.value(split.hashValue)}`;
  const { rangeKey, rangeType } = split;
  if (rangeKey !== undefined && rangeType !== undefined) {
    const rangeSet = constraintFor(summary, rangeKey);
    const lower = rangeKey.toLowerCase();
    const prefix =
      rangeType === 'S'
        ? likes.find(
            (like) => like.column.toLowerCase() === lower && like.prefix !== undefined && isKeyPrefix(like.prefix),
          )?.prefix
        : undefined;
    // DynamoDB takes one sort-key condition: a prefix beats a range unless the range is one point.
    const pointRange = rangeSet !== undefined && pointValues(rangeSet)?.length === 1;
    const range =
      rangeSet === undefined || (prefix !== undefined && !pointRange)
        ? undefined
        : builder.attempt(
            () => sortKeyCondition(builder, rangeKey, rangeType, rangeSet),
            () => true,
          );
    if (range !== undefined) condition += ` AND ${range}`;
    else if (prefix !== undefined) condition += ` AND ${beginsWith(builder, rangeKey, prefix)}`;
  }
  // A Query's filter may not name key attributes; core still checks their constraints.
  const keyAttributes = new Set(
    [split.hashKey, split.rangeKey, split.tableRangeKey]
      .filter((k): k is string => k !== undefined)
      .map((k) => k.toLowerCase()),
  );
  return { condition, keyAttributes };
}
