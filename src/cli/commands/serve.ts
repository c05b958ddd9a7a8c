import { InvalidArgumentError, Option, type Command } from 'commander';
import { startService } from '../../app/service.js';
import { loadConfig, type Config } from '../../config/index.js';
import type { Store } from '../../store/index.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP service (the five legacy endpoints, /healthz, /metrics) and its verification workers')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', (v) => parsePort(v))
    .option('-H, --host <host>', 'interface to bind (default 127.0.0.1)')
    .addOption(
      new Option('--role <role>', 'all: API and verification workers (default); api / worker: one side of the scaled-out mode (needs redisUrl)').choices(['all', 'api', 'worker']),
    )
    .action(async (opts: { port?: number; host?: string; role?: Config['role'] }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
      const config = loadConfig({ file: globals.config, overrides: { dataDir: globals.data, port: opts.port, host: opts.host, role: opts.role } });
      const service = await startService(config);
      if (service.store) await printFirstSteps(config, service.store);
      else service.log('verification worker started', { role: config.role, workers: config.workers });
      const stop = (signal: string) => {
        service.log('shutting down', { signal });
        service.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

/** An empty store has no app yet: say how to make one, on stderr so logs stay JSON. */
async function printFirstSteps(config: Config, store: Store): Promise<void> {
  if ((await store.apps.countApps()) > 0) return;
  const where = config.databaseUrl ? 'the database' : config.dataDir;
  const data = config.databaseUrl ? '' : ` --data ${config.dataDir}`;
  process.stderr.write(
    `livecheck: no app in ${where} yet. Create one (prints appid, secretId, secretKey once):\n` +
      `  npx livecheck${data} apps create\n` +
      `then sign requests with:\n` +
      `  npx livecheck sign --appid APPID --secret-id SECRETID --secret-key SECRETKEY\n`,
  );
}
