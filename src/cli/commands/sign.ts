import { InvalidArgumentError, type Command } from 'commander';
import { signToken } from '../../auth/signature.js';

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('print an Authorization header value (multi-use by default, single-use with --once)')
    .requiredOption('--appid <appid>', 'appid')
    .requiredOption('--secret-id <id>', 'SecretId')
    .requiredOption('--secret-key <key>', 'SecretKey')
    .option('--once <fileid>', 'single-use signature bound to this file id (e = 0)')
    .option('--ttl <sec>', 'lifetime of a multi-use signature in seconds (at most ~3 months)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number of seconds');
      return n;
    })
    .option('--bucket <name>', 'bucket (accepted and ignored by livecheck)')
    .action((opts: { appid: string; secretId: string; secretKey: string; once?: string; ttl?: number; bucket?: string }) => {
      console.log(
        signToken({ appid: opts.appid, secretId: opts.secretId, secretKey: opts.secretKey, once: opts.once, ttlSec: opts.ttl ?? 30 * 24 * 3600, bucket: opts.bucket }),
      );
    });
}
