import type { Command } from 'commander';
import { describeThresholds, loadConfig } from '../../config/index.js';

/** What `config` prints: the effective settings, and every threshold with its default and why. */
export function describeConfig(file?: string, dataDir?: string): Record<string, unknown> {
  const config = loadConfig({ file, overrides: { dataDir } });
  const { masterKey, thresholds: overrides, ...settings } = config;
  const thresholds = describeThresholds(overrides);
  // The master key is a secret like a SecretKey: only whether one is configured is shown.
  return { ...settings, masterKey: masterKey ? 'set' : 'not set (generated into the data directory)', thresholds };
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the effective configuration and every decision threshold with its default and the figure behind it')
    .option('--json', 'one JSON document')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
      const described = describeConfig(globals.config, globals.data);
      if (opts.json) {
        console.log(JSON.stringify(described, null, 2));
        return;
      }
      const { thresholds, ...settings } = described as { thresholds: Record<string, Record<string, { value: number; default: number; why: string }>> };
      for (const [key, value] of Object.entries(settings)) console.log(`${key}: ${JSON.stringify(value)}`);
      for (const [section, values] of Object.entries(thresholds)) {
        for (const [key, th] of Object.entries(values)) {
          const changed = th.value === th.default ? '' : ` (default ${th.default})`;
          console.log(`${section}.${key} = ${th.value}${changed}\n    ${th.why}`);
        }
      }
    });
}
