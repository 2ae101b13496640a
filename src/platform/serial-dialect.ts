import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/**
 * Lends a single-connection database (PGlite) to one user at a time.
 *
 * The PGlite driver (pglite-dialect.ts) hands the same session to every caller, so two `db.transaction()` calls
 * running at once interleave on one session: the second BEGIN is ignored, the first COMMIT commits
 * both, and a ROLLBACK undoes the other caller's work too (measured: concurrent reservations with
 * half of them rolled back left the rolled-back decrements applied). Here a connection is acquired
 * in turn, and held for a whole transaction, as a pool of one would.
 *
 * A query made on the root handle from inside a transaction's callback (code that should have used
 * the transaction, e.g. a lookup deep in a helper) would wait for that transaction forever. It is
 * recognised instead (the transaction's turn is remembered in its async context) and runs on the
 * transaction's session, inside it, as it did before: on PostgreSQL it would run outside it.
 */
export function serializedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new SerialDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

/** The turn a transaction holds, as its async context remembers it. */
interface Turn {
  connection: DatabaseConnection;
  done: () => void;
}

/** The transaction's session, lent to a query made from inside it; releasing it is a no-op. */
class Borrowed implements DatabaseConnection {
  constructor(private readonly connection: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.connection.executeQuery<R>(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery<R>(query, chunkSize);
  }
}

class SerialDriver implements Driver {
  private tail: Promise<void> = Promise.resolve();
  private current: Turn | null = null;
  private readonly turns = new Map<DatabaseConnection, Turn>();
  private readonly inTransaction = new AsyncLocalStorage<Turn>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const mine = this.inTransaction.getStore();
    if (mine && mine === this.current) return new Borrowed(mine.connection);
    let done!: () => void;
    const next = new Promise<void>((resolve) => (done = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    try {
      const connection = await this.inner.acquireConnection();
      const turn = { connection, done };
      this.turns.set(connection, turn);
      this.current = turn;
      return connection;
    } catch (err) {
      done();
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof Borrowed) return;
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      const turn = this.turns.get(connection);
      this.turns.delete(connection);
      if (turn === this.current) this.current = null;
      turn?.done();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Synchronously, before any await: the rest of Kysely's transaction (its callback) runs in
    // this async context, so queries its code makes on the root handle find the turn.
    const turn = this.turns.get(connection);
    if (turn) this.inTransaction.enterWith(turn);
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.inner.savepoint) throw new Error('savepoints are not supported by this driver');
    await this.inner.savepoint(connection, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.inner.rollbackToSavepoint) throw new Error('savepoints are not supported by this driver');
    await this.inner.rollbackToSavepoint(connection, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.inner.releaseSavepoint) throw new Error('savepoints are not supported by this driver');
    await this.inner.releaseSavepoint(connection, name, compile);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
