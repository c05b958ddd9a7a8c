import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The outside servers of the scaled-out mode, for the tests that need them: PostgreSQL at
 * LIVECHECK_TEST_POSTGRES_URL (a role allowed to create databases) and Redis at
 * LIVECHECK_TEST_REDIS_URL. A developer without them gets a skip with this message; .ci/run
 * starts both, exports the URLs and sets LIVECHECK_TEST_REQUIRE_SERVERS=1, under which a
 * missing URL fails instead, so CI cannot pass by skipping.
 */
export const POSTGRES_MISSING = 'needs PostgreSQL: set LIVECHECK_TEST_POSTGRES_URL (a role that may create databases); .ci/run starts one';
export const REDIS_MISSING = 'needs Redis: set LIVECHECK_TEST_REDIS_URL; .ci/run starts one';

function required(name: string): string | undefined {
  const url = process.env[name] || undefined;
  if (!url && process.env.LIVECHECK_TEST_REQUIRE_SERVERS === '1') throw new Error(`${name} is not set but LIVECHECK_TEST_REQUIRE_SERVERS=1`);
  return url;
}

export const testPostgresUrl = (): string | undefined => required('LIVECHECK_TEST_POSTGRES_URL');
export const testRedisUrl = (): string | undefined => required('LIVECHECK_TEST_REDIS_URL');

/** A new empty database next to the one at `adminUrl`; `drop` removes it. */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A key prefix no other test run uses, for tests sharing one Redis. */
export const redisTestPrefix = (): string => `lc-test-${randomBytes(5).toString('hex')}`;
