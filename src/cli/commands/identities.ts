import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getFaceEmbedder } from '../../compare/index.js';
import { resolveThresholds } from '../../config/index.js';
import { ERRORS, type ErrorName } from '../../core/errors.js';
import { IdentityRegistry } from '../../identity/index.js';
import type { Config } from '../../config/index.js';
import { withStore } from '../with-store.js';

function withRegistry<T>(cmd: Command, fn: (registry: IdentityRegistry, config: Config) => Promise<T>): Promise<T> {
  return withStore(cmd, (store, config) => fn(new IdentityRegistry(store.identities, { retention: config.retention, dataDir: config.dataDir }), config));
}

function fail(name: ErrorName, detail?: string): void {
  const d = ERRORS[name];
  console.error(`error ${d.code} ${d.token}: ${d.message}${detail ? ` (${detail})` : ''}`);
  process.exitCode = 1;
}

export function registerIdentities(program: Command): void {
  const identities = program.command('identities').description('the identity registry used by idcardlivedetectfour and idcardcompare');

  identities
    .command('add')
    .description('enrol an ID number and name with a reference photo (re-enrolling replaces the record)')
    .requiredOption('--number <id>', '18-character ID number (GB 11643-1999)')
    .requiredOption('--name <name>', 'name on the ID card (UTF-8)')
    .requiredOption('--photo <file>', 'reference photo: ID card portrait or a clear face photo')
    .action(async (opts: { number: string; name: string; photo: string }, cmd: Command) => {
      const photo = await readFile(opts.photo).catch(() => null);
      if (!photo) return fail('ID_IMAGE_MISSING', `cannot read ${opts.photo}`);
      await withRegistry(cmd, async (registry, config) => {
        // Models load only once the number and name have passed their checks.
        const compare = resolveThresholds(config.thresholds).compare;
        const embed = async (img: Uint8Array) => (await getFaceEmbedder(compare)).embedImage(img, 'card');
        const result = await registry.add({ number: opts.number, name: opts.name, photo: new Uint8Array(photo) }, embed);
        if (!result.ok) return fail(result.error);
        console.log(`${result.replaced ? 'replaced' : 'enrolled'} ${opts.number.trim().toUpperCase()}`);
      });
    });

  identities
    .command('list')
    .description('list enrolled identities')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        for (const r of await registry.list()) {
          console.log(opts.json ? JSON.stringify(r) : `${r.number}\t${r.name}\t${r.enrolledAt}\t${r.hasPhoto ? 'photo kept' : 'template only'}`);
        }
      });
    });

  identities
    .command('remove')
    .description('delete an identity, its template and any kept photo')
    .argument('<number>', 'ID number')
    .action(async (number: string, _opts: unknown, cmd: Command) => {
      await withRegistry(cmd, async (registry) => {
        if (await registry.remove(number)) console.log(`removed ${number.trim().toUpperCase()}`);
        else fail('ID_NOT_ENROLLED');
      });
    });
}
