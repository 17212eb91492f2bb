/** `shakedown unack COMPONENT`: removes the acks of a component; its flags count again from the next report. */
import type { Command } from 'commander';
import { InputError } from '../../core/exit-codes.js';
import { rigComponents } from '../../report/folds.js';
import { resolveComponent } from '../component-arg.js';
import { benchForStore, rigIdFromArg } from '../rig-arg.js';
import { dbOption } from '../db-option.js';
import { openExistingStore } from '../store-arg.js';

interface UnackFlags {
  db?: string;
  rig?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command('unack')
    .description('remove the acknowledgement of a component: its flags count again')
    .argument('<component>', 'kind:id (cable:c1) or an id alone when one kind has it')
    .addOption(dbOption('the store (default: <out>/shakedown.db)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml) or its id (default: the only rig in the store)')
    .option('--out <dir>', 'reports folder, for the default store', 'reports')
    .addHelpText('after', '\nExit codes: 0 removed · 2 bad input (unknown component, no ack of it, no store)')
    .action(async (component: string, flags: UnackFlags) => {
      process.exitCode = await unackCommand(component, flags);
    });
}

async function unackCommand(arg: string, flags: UnackFlags): Promise<number> {
  const store = await openExistingStore(flags);
  try {
    const rig = await rigIdFromArg(flags.rig, store);
    const acks = await store.acks(rig);
    const bench = await benchForStore(flags.rig, rig, store);
    const acked = acks.map((a) => ({ kind: a.kind, id: a.component }));
    const known = [...new Map([...acked, ...(bench ? rigComponents(bench.rig) : [])].map((c) => [`${c.kind}:${c.id}`, c])).values()];
    // An acked component first: it may be gone from the rig by now.
    const target = resolveComponent(arg, acked.some((c) => c.id === arg || `${c.kind}:${c.id}` === arg) ? acked : known, rig);
    const removed = await store.removeAcks({ rig, kind: target.kind, component: target.id });
    if (removed === 0) {
      const list = [...new Set(acked.map((c) => `${c.kind}:${c.id}`))];
      throw new InputError(`${target.kind} ${target.id} of rig ${rig} is not acknowledged (acknowledged: ${list.join(', ') || 'nothing'})`);
    }
    process.stdout.write(`removed ${removed === 1 ? 'the ack' : `${removed} acks`} of ${target.kind} ${target.id} of rig ${rig}: its flags count again\n`);
    return 0;
  } finally {
    await store.close();
  }
}
