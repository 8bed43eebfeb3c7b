/** Test support: the `$like_pattern` expression Athena pushes for `column LIKE pattern [ESCAPE escape]`. */
import {
  arrowTypeToJson,
  makeValueBlock,
  StandardFunctionNames,
  type FederationExpression,
} from '@athena-federation/connector-core';
import { Bool, Field, Utf8 } from 'apache-arrow';

export function likeExpression(column: string, pattern: string, escape?: string): FederationExpression {
  const utf8 = arrowTypeToJson(new Utf8());
  const constant = (text: string): FederationExpression => ({
    '@type': 'ConstantExpression',
    valueBlock: makeValueBlock(new Field('v', new Utf8()), [text]),
    type: utf8,
  });
  return {
    '@type': 'FunctionCallExpression',
    type: arrowTypeToJson(new Bool()),
    functionName: { functionName: StandardFunctionNames.likePattern },
    arguments: [
      { '@type': 'VariableExpression', columnName: column, type: utf8 },
      constant(pattern),
      ...(escape === undefined ? [] : [constant(escape)]),
    ],
  };
}
