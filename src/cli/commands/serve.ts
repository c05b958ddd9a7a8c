import { InvalidArgumentError, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server.js';
import { AppStore } from '../../auth/apps.js';
import { loadMasterKey } from '../../auth/masterkey.js';
import { loadConfig, resolveThresholds, type Config } from '../../config/index.js';
import { openDatabase } from '../../store/db.js';
import { createInference } from '../../workers/index.js';

export interface RunningService {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 picks a free one). */
  address: string;
  close(): Promise<void>;
}

/** Opens the data dir, starts the inference workers and listens: what `serve` and the API bench run. */
export async function startService(config: Config): Promise<RunningService> {
  const db = openDatabase(config.dataDir);
  // The pool starts before the server exists; its thread errors go to the server's log once it does.
  let logTo: FastifyInstance | undefined;
  const inference = createInference({
    workers: config.workers,
    maxQueue: config.maxQueue,
    splitWhenIdle: config.splitWhenIdle,
    thresholds: resolveThresholds(config.thresholds),
    onWorkerError: (err) => (logTo ? logTo.log.error({ err }, 'inference worker error') : process.stderr.write(`inference worker error: ${String(err)}\n`)),
  });
  const app = buildServer({ config, inference, db });
  logTo = app;
  try {
    const address = await app.listen({ port: config.port, host: config.host });
    return {
      app,
      address,
      close: async () => {
        await app.close();
        await inference.close();
        db.close();
      },
    };
  } catch (err) {
    await inference.close();
    db.close();
    throw err;
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP service (the five legacy endpoints, /healthz, /metrics)')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', (v) => parsePort(v))
    .option('-H, --host <host>', 'interface to bind (default 127.0.0.1)')
    .action(async (opts: { port?: number; host?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
      const config = loadConfig({ file: globals.config, overrides: { dataDir: globals.data, port: opts.port, host: opts.host } });
      const service = await startService(config);
      printFirstSteps(config);
      const stop = (signal: string) => {
        service.app.log.info({ signal }, 'shutting down');
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

/** An empty data dir has no app yet: say how to make one, on stderr so logs stay JSON. */
function printFirstSteps(config: Config): void {
  const db = openDatabase(config.dataDir);
  try {
    if (new AppStore(db, loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir })).appCount() > 0) return;
    process.stderr.write(
      `livecheck: no app in ${config.dataDir} yet. Create one (prints appid, secretId, secretKey once):\n` +
        `  npx livecheck --data ${config.dataDir} apps create\n` +
        `then sign requests with:\n` +
        `  npx livecheck sign --appid APPID --secret-id SECRETID --secret-key SECRETKEY\n`,
    );
  } finally {
    db.close();
  }
}
