import { InvalidArgumentError, type Command } from 'commander';
import { AppStore } from '../../auth/apps.js';
import { loadMasterKey } from '../../auth/masterkey.js';
import { parseServices, type Service } from '../../auth/services.js';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../store/db.js';

/** Runs `fn` with the app store of the configured data dir (shared by `apps` and `keys`). */
export function withAppStore<T>(cmd: Command, fn: (apps: AppStore) => T): T {
  const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
  const config = loadConfig({ file: globals.config, overrides: { dataDir: globals.data } });
  const db = openDatabase(config.dataDir);
  try {
    return fn(new AppStore(db, loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir })));
  } finally {
    db.close();
  }
}

function parseRateLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of requests per minute');
  return n;
}

function parseServiceList(v: string): Service[] {
  try {
    return parseServices(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function registerApps(program: Command): void {
  const apps = program.command('apps').description('apps: the appids allowed to call the service');

  apps
    .command('create')
    .description('create an app and its first key pair; prints {"appid","secretId","secretKey"} (the SecretKey is shown only now)')
    .option('--appid <id>', 'appid to use (default: a new 10-digit number)')
    .option('--services <list>', 'comma-separated endpoints the app may call (default: all five)', parseServiceList)
    .option('--rate-limit <n>', 'requests per minute for this app (0: unlimited; default: the server setting)', parseRateLimit)
    .action((opts: { appid?: string; services?: Service[]; rateLimit?: number }, cmd: Command) => {
      const creds = withAppStore(cmd, (s) => s.createApp({ appid: opts.appid, services: opts.services, rateLimitPerMinute: opts.rateLimit }));
      console.log(JSON.stringify(creds));
    });

  apps
    .command('list')
    .description('list apps with their state, services, rate limit and SecretIds (never SecretKeys)')
    .action((_opts: unknown, cmd: Command) => {
      withAppStore(cmd, (s) => {
        const keys = s.listKeys();
        for (const app of s.listApps()) {
          console.log(JSON.stringify({ ...app, keys: keys.filter((k) => k.appid === app.appid).map(({ appid: _a, ...k }) => k) }));
        }
      });
    });

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    apps
      .command(`${name} <appid>`)
      .description(enabled ? 'allow a disabled app again' : 'suspend an app: its requests get code 3 "account abnormal"')
      .action((appid: string, _opts: unknown, cmd: Command) => {
        if (!withAppStore(cmd, (s) => s.setEnabled(appid, enabled))) throw new Error(`appid ${appid} does not exist`);
        console.log(`${appid} ${enabled ? 'enabled' : 'disabled'}`);
      });
  }
}
