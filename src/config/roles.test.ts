import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './index.js';

describe('roles and shared servers in the configuration', () => {
  it('defaults to one process doing everything with no other server', () => {
    const c = loadConfig({ overrides: { dataDir: '/tmp/unused' } });
    assert.deepEqual([c.role, c.databaseUrl, c.redisUrl], ['all', undefined, undefined]);
  });

  it('refuses the api and worker roles without a Redis URL, with a message naming it', () => {
    for (const role of ['api', 'worker'] as const) {
      assert.throws(() => loadConfig({ overrides: { role } }), new RegExp(`role ${role} needs redisUrl \\(LIVECHECK_REDIS_URL\\)`));
    }
    assert.equal(loadConfig({ overrides: { role: 'worker', redisUrl: 'redis://127.0.0.1:6379' } }).role, 'worker');
  });

  it('refuses a database URL that is not PostgreSQL and a Redis URL that is not redis://', () => {
    assert.throws(() => loadConfig({ overrides: { databaseUrl: 'mysql://x/y' } }), /databaseUrl: a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.throws(() => loadConfig({ overrides: { redisUrl: 'http://x' } }), /redisUrl: a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('reads the role and the URLs from the environment', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { LIVECHECK_ROLE: 'api', LIVECHECK_REDIS_URL: 'redis://r:6379', LIVECHECK_DATABASE_URL: 'postgres://u:p@db/lc' });
      const c = loadConfig();
      assert.deepEqual([c.role, c.redisUrl, c.databaseUrl], ['api', 'redis://r:6379', 'postgres://u:p@db/lc']);
    } finally {
      for (const k of ['LIVECHECK_ROLE', 'LIVECHECK_REDIS_URL', 'LIVECHECK_DATABASE_URL']) if (saved[k] === undefined) delete process.env[k];
    }
  });
});
