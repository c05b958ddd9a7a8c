import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { THRESHOLDS } from '../../config/thresholds.js';
import { describeConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('livecheck config', () => {
  it('shows every threshold with its default and its justification', () => {
    const d = describeConfig(undefined, dir) as { thresholds: Record<string, Record<string, { value: number; default: number; why: string }>> };
    for (const [section, values] of Object.entries(THRESHOLDS)) {
      for (const [key, th] of Object.entries(values as Record<string, { value: number; why: string }>)) {
        assert.deepEqual(d.thresholds[section][key], { value: th.value, default: th.value, why: th.why });
      }
    }
  });

  it('applies the operator override from the config file and keeps the default beside it', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ thresholds: { sync: { minScore: 0.3 } } }));
    const d = describeConfig(file, dir) as { thresholds: { sync: { minScore: { value: number; default: number } } } };
    assert.equal(d.thresholds.sync.minScore.value, 0.3);
    assert.equal(d.thresholds.sync.minScore.default, THRESHOLDS.sync.minScore.value);
  });

  it('never prints the master key', () => {
    const file = join(dir, 'secret.json');
    writeFileSync(file, JSON.stringify({ masterKey: 'very-secret-master-key-value' }));
    const text = JSON.stringify(describeConfig(file, dir));
    assert.doesNotMatch(text, /very-secret-master-key-value/);
    assert.match(text, /"masterKey":"set"/);
  });
});
