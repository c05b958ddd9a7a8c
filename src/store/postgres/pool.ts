import pg from 'pg';

const INT8 = 20;

/**
 * A connection pool whose BIGINT columns (times in ms, ids) arrive as numbers like SQLite's
 * INTEGER, through this pool's own type parsers (pg's global ones stay untouched). Times in ms
 * are far below 2^53.
 */
export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it would end
  // the process. The next query gets a fresh connection and its own error if the database is gone.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in one transaction on one connection; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
