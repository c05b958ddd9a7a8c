import type { Command } from 'commander';
import { withAppStore } from './apps.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('key pairs (SecretId / SecretKey) of an app');

  keys
    .command('create <appid>')
    .description('add a key pair to an app; prints {"appid","secretId","secretKey"} (the SecretKey is shown only now)')
    .option('--secret-id <id>', 'import this existing SecretId (with --secret-key) instead of generating one')
    .option('--secret-key <key>', 'the SecretKey that goes with --secret-id')
    .action(async (appid: string, opts: { secretId?: string; secretKey?: string }, cmd: Command) => {
      if (!opts.secretId !== !opts.secretKey) throw new Error('--secret-id and --secret-key go together');
      const key = opts.secretId && opts.secretKey ? { secretId: opts.secretId, secretKey: opts.secretKey } : undefined;
      console.log(JSON.stringify(await withAppStore(cmd, (s) => s.createKey(appid, key))));
    });

  keys
    .command('revoke <secretId>')
    .description('revoke a key pair: its signatures get code 11 from now on')
    .action(async (secretId: string, _opts: unknown, cmd: Command) => {
      if (!(await withAppStore(cmd, (s) => s.revokeKey(secretId)))) throw new Error(`SecretId ${secretId} does not exist or is already revoked`);
      console.log(`${secretId} revoked`);
    });
}
