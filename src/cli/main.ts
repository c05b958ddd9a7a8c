import { Command } from 'commander';
import { registerServe } from './commands/serve.js';
import { registerApps } from './commands/apps.js';
import { registerKeys } from './commands/keys.js';
import { registerSign } from './commands/sign.js';
import { registerRecords } from './commands/records.js';
import { registerVerify } from './commands/verify.js';
import { registerSpeech } from './commands/speech.js';
import { registerCompare } from './commands/compare.js';
import { registerIdentities } from './commands/identities.js';
import { registerEval } from './commands/eval.js';
import { registerConfig } from './commands/config.js';

/** Each command lives in its own file under commands/ and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('livecheck')
    .description('Self-hosted face-liveness verification (Tencent legacy face-verification API)')
    .option('-c, --config <file>', 'JSON config file (overrides the embedded defaults)')
    .option('-d, --data <dir>', 'data directory (apps, keys, challenges, records)');
  for (const register of [
    registerServe,
    registerApps,
    registerKeys,
    registerSign,
    registerRecords,
    registerVerify,
    registerSpeech,
    registerCompare,
    registerIdentities,
    registerEval,
    registerConfig,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
