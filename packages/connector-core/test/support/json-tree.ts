/** JSON trees as mutation and fuzz tests walk them (the protocol's property tests and the reliability fuzz). */

/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One place in a JSON tree: the container and the key or index there. */
export interface JsonLocation {
  readonly parent: Json[] | { [key: string]: Json };
  readonly key: string | number;
}

/** Every location in a JSON tree, parents before their children. */
export function locations(node: Json, out: JsonLocation[] = []): JsonLocation[] {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      out.push({ parent: node, key: i });
      locations(child, out);
    });
  } else if (node !== null && typeof node === 'object') {
    for (const key of Object.keys(node)) {
      out.push({ parent: node, key });
      locations(node[key] as Json, out);
    }
  }
  return out;
}
