/**
 * The pools of one connector, one per connection string (`source`), for both engines. A pool is
 * rebuilt when its identity (host, port, credentials) changes, as Java rebuilds its Hikari pool,
 * and made once even when a catalog's first requests arrive together: making a pool awaits (the
 * driver's import, TLS settings, a first connection), and two requests that each made one would
 * leave the first's connections open.
 */
export class PoolRegistry<Pool> {
  readonly #end: (pool: Pool) => Promise<void>;
  readonly #pools = new Map<string, { readonly identity: string; readonly pool: Pool }>();
  readonly #pending = new Map<string, { readonly identity: string; readonly pool: Promise<Pool> }>();

  /** `end` closes a pool that is replaced or no longer wanted; its failures are ignored. */
  constructor(end: (pool: Pool) => Promise<void>) {
    this.#end = end;
  }

  /** The pool of `source` with `identity`, made by `create` unless it exists or is being made. */
  async get(source: string, identity: string, create: () => Promise<Pool>): Promise<Pool> {
    const existing = this.#pools.get(source);
    if (existing !== undefined && existing.identity === identity) return existing.pool;
    const pending = this.#pending.get(source);
    if (pending !== undefined && pending.identity === identity) return pending.pool;
    const creation = create();
    this.#pending.set(source, { identity, pool: creation });
    try {
      const pool = await creation;
      const replaced = this.#pools.get(source);
      if (replaced !== undefined) void this.#end(replaced.pool).catch(() => undefined);
      this.#pools.set(source, { identity, pool });
      return pool;
    } finally {
      if (this.#pending.get(source)?.pool === creation) this.#pending.delete(source);
    }
  }

  /** Ends every pool, and those still being made once they are (tests, a graceful shutdown). */
  async endAll(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    for (const { pool } of this.#pending.values()) void pool.then((p) => this.#end(p)).catch(() => undefined);
    this.#pending.clear();
    await Promise.all(pools.map(({ pool }) => this.#end(pool).catch(() => undefined)));
  }
}
