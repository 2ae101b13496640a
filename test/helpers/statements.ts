import type { KyselyPlugin } from 'kysely';
import type { AnyDb } from '../../src/platform/db.js';

/**
 * A handle on `db` that records the statements sent through it, by the kind of their root node
 * (`SelectQueryNode`, `InsertQueryNode`, a `sql` template's `RawNode`, …). Transaction ends are
 * not statements here.
 */
export function counting<T extends AnyDb>(db: T): { db: T; count: () => number; kinds: string[] } {
  const kinds: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      kinds.push(args.node.kind);
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return { db: db.withPlugin(plugin) as T, count: () => kinds.length, kinds };
}
