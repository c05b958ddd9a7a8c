import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { binaryRuns } from './binaries.js';
import { createFixtures, type Fixtures } from './fixtures.test-helper.js';

let f: Fixtures;
before(() => {
  f = createFixtures('lc-binaries-');
});
after(() => f.cleanup());

const script = (name: string, body: string): string => {
  writeFileSync(f.path(name), `#!/bin/sh\n${body}\n`);
  chmodSync(f.path(name), 0o755);
  return f.path(name);
};

describe('finding ffmpeg', () => {
  it('counts a binary that is slow to answer -version as present (a busy machine must not switch to the fallback build)', () => {
    assert.equal(binaryRuns(script('slow', 'sleep 2'), 300), true);
  });

  it('counts a missing or broken binary as absent', () => {
    assert.equal(binaryRuns(f.path('missing')), false);
    assert.equal(binaryRuns(script('broken', 'exit 127')), false);
    assert.equal(binaryRuns(script('fine', 'exit 0')), true);
  });
});
