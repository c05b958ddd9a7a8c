import { Command } from 'commander';
import { registerApps } from '/work/main/src/cli/commands/apps.js';
import { registerKeys } from '/work/main/src/cli/commands/keys.js';
import { registerSign } from '/work/main/src/cli/commands/sign.js';
import { registerRecords } from '/work/main/src/cli/commands/records.js';
import { registerServe } from '/work/main/src/cli/commands/serve.js';
const program = new Command('livecheck').option('-c, --config <file>').option('-d, --data <dir>');
for (const r of [registerApps, registerKeys, registerSign, registerRecords, registerServe]) r(program);
await program.parseAsync(process.argv);
