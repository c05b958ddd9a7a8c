import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getFaceEmbedder } from '../../compare/index.js';
import { loadConfig, resolveThresholds, type Config } from '../../config/index.js';
import { ERRORS, type ErrorName } from '../../core/errors.js';
import { IdentityRegistry } from '../../identity/index.js';
import { openDatabase } from '../../store/db.js';

function openRegistry(cmd: Command): { registry: IdentityRegistry; config: Config; close: () => void } {
  const globals = cmd.optsWithGlobals<{ config?: string; data?: string }>();
  const config = loadConfig({ file: globals.config, overrides: { dataDir: globals.data } });
  const db = openDatabase(config.dataDir);
  return { registry: new IdentityRegistry(db, { retention: config.retention, dataDir: config.dataDir }), config, close: () => db.close() };
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
      const { registry, config, close } = openRegistry(cmd);
      try {
        // Models load only once the number and name have passed their checks.
        const compare = resolveThresholds(config.thresholds).compare;
        const embed = async (img: Uint8Array) => (await getFaceEmbedder(compare)).embedImage(img, 'card');
        const result = await registry.add({ number: opts.number, name: opts.name, photo: new Uint8Array(photo) }, embed);
        if (!result.ok) return fail(result.error);
        console.log(`${result.replaced ? 'replaced' : 'enrolled'} ${opts.number.trim().toUpperCase()}`);
      } finally {
        close();
      }
    });

  identities
    .command('list')
    .description('list enrolled identities')
    .option('--json', 'one JSON object per line')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const { registry, close } = openRegistry(cmd);
      try {
        for (const r of registry.list()) {
          console.log(opts.json ? JSON.stringify(r) : `${r.number}\t${r.name}\t${r.enrolledAt}\t${r.hasPhoto ? 'photo kept' : 'template only'}`);
        }
      } finally {
        close();
      }
    });

  identities
    .command('remove')
    .description('delete an identity, its template and any kept photo')
    .argument('<number>', 'ID number')
    .action((number: string, _opts: unknown, cmd: Command) => {
      const { registry, close } = openRegistry(cmd);
      try {
        if (registry.remove(number)) console.log(`removed ${number.trim().toUpperCase()}`);
        else fail('ID_NOT_ENROLLED');
      } finally {
        close();
      }
    });
}
