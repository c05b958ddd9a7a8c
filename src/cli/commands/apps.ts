import { InvalidArgumentError, type Command } from 'commander';
import { AppStore } from '../../auth/apps.js';
import { loadMasterKey } from '../../auth/masterkey.js';
import { parseServices, type Service } from '../../auth/services.js';
import { withStore } from '../with-store.js';

/** Runs `fn` with the app store of the configured store (shared by `apps` and `keys`). */
export function withAppStore<T>(cmd: Command, fn: (apps: AppStore) => Promise<T>): Promise<T> {
  return withStore(cmd, (store, config) => fn(new AppStore(store.apps, loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir }))));
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
    .action(async (opts: { appid?: string; services?: Service[]; rateLimit?: number }, cmd: Command) => {
      const creds = await withAppStore(cmd, (s) => s.createApp({ appid: opts.appid, services: opts.services, rateLimitPerMinute: opts.rateLimit }));
      console.log(JSON.stringify(creds));
    });

  apps
    .command('list')
    .description('list apps with their state, services, rate limit and SecretIds (never SecretKeys)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withAppStore(cmd, async (s) => {
        const keys = await s.listKeys();
        for (const app of await s.listApps()) {
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
      .action(async (appid: string, _opts: unknown, cmd: Command) => {
        if (!(await withAppStore(cmd, (s) => s.setEnabled(appid, enabled)))) throw new Error(`appid ${appid} does not exist`);
        console.log(`${appid} ${enabled ? 'enabled' : 'disabled'}`);
      });
  }
}
