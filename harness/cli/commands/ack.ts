/**
 * `shakedown ack COMPONENT --note TEXT [--until DATE] [--by NAME]`: a person marks a known problem as acknowledged.
 * Its flag is then shown folded, with who, why and until when, and does not fail the night — as long as it stays
 * what was acknowledged: a worse verdict, or another symptom, shows again (docs/nightly.md).
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { InputError } from '../../core/exit-codes.js';
import type { Symptom } from '../../core/record.js';
import { nightOf } from '../../core/run-id.js';
import { FAMILY_PHYSICS } from '../../families/index.js';
import { diagnose } from '../../diagnose/index.js';
import type { DiagnosisResult } from '../../diagnose/types.js';
import { rigComponents } from '../../report/folds.js';
import { resolveComponent, type ComponentName } from '../component-arg.js';
import { benchForStore, rigIdFromArg } from '../rig-arg.js';
import { dbOption } from '../db-option.js';
import { openExistingStore } from '../store-arg.js';

interface AckFlags {
  note: string;
  until?: string;
  by?: string;
  db?: string;
  rig?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command('ack')
    .description('acknowledge a known problem: its flag is shown folded and does not fail the night (until it gets worse)')
    .argument('<component>', 'kind:id (cable:c1, dut:d7, profile:mt6765) or an id alone when one kind has it')
    .requiredOption('--note <text>', 'why: what is known, what is being done')
    .option('--until <date>', 'the last night it covers, YYYY-MM-DD (default: until `shakedown unack`)')
    .option('--by <name>', 'who acknowledges it (default: the OS user)')
    .addOption(dbOption('the store (default: <out>/shakedown.db)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml) or its id (default: the only rig in the store)')
    .option('--out <dir>', 'reports folder, for the default store', 'reports')
    .addHelpText('after', '\nExit codes: 0 acknowledged · 2 bad input (unknown component, bad date, no store)')
    .action(async (component: string, flags: AckFlags) => {
      process.exitCode = await ackCommand(component, flags);
    });
}

async function ackCommand(arg: string, flags: AckFlags): Promise<number> {
  const note = flags.note.trim();
  if (!note) throw new InputError('--note is empty: say what is known and what is being done');
  const today = nightOf(new Date());
  if (flags.until !== undefined) checkUntil(flags.until, today);
  const by = (flags.by ?? osUser()).trim();
  if (!by) throw new InputError('--by is empty');
  const store = await openExistingStore(flags);
  try {
    const rig = await rigIdFromArg(flags.rig, store);
    const bench = await benchForStore(flags.rig, rig, store);
    const nights = await store.nights(rig);
    // The latest diagnosis says what the ack covers: the verdict and symptoms the component has now.
    const diagnosis: DiagnosisResult | undefined = nights.length
      ? await diagnose({ store, rig, windowNights: bench?.rig.nightly.historyNights, rigConfig: bench?.rig, profiles: bench?.profiles, physics: FAMILY_PHYSICS })
      : undefined;
    const known: ComponentName[] = [...(bench ? rigComponents(bench.rig) : []), ...(diagnosis?.components ?? []).map((c) => ({ kind: c.kind, id: c.id }))];
    const unique = [...new Map(known.map((c) => [`${c.kind}:${c.id}`, c])).values()];
    if (unique.length === 0) throw new InputError(`rig ${rig} has no components to acknowledge: give the rig file with --rig`);
    const target = resolveComponent(arg, unique, rig);
    const now = diagnosis?.components.find((c) => c.kind === target.kind && c.id === target.id);
    const symptoms = (Object.entries(now?.evidence?.symptoms ?? {}) as Array<[Symptom, number]>).filter(([, n]) => n > 0).map(([s]) => s);
    const ack = await store.addAck({
      rig,
      kind: target.kind,
      component: target.id,
      by,
      note,
      since: new Date().toISOString(),
      until: flags.until ?? null,
      scope: { verdict: now?.verdict ?? 'ok', symptoms },
    });
    const scope = `${ack.scope.verdict}${symptoms.length ? ` with ${symptoms.join(', ')}` : ''}`;
    process.stdout.write(
      `acknowledged ${target.kind} ${target.id} of rig ${rig} by ${by}${ack.until ? ` until ${ack.until} (inclusive)` : ' until `shakedown unack`'}: ${note}\n` +
        `it covers what the diagnosis says now (${scope}); a worse verdict or another symptom shows again and fails the night.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function checkUntil(until: string, today: string): void {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(until) && !Number.isNaN(Date.parse(`${until}T00:00:00Z`)) && new Date(`${until}T00:00:00Z`).toISOString().startsWith(until);
  if (!valid) throw new InputError(`--until must be a date YYYY-MM-DD, got "${until}"`);
  if (until < today) throw new InputError(`--until ${until} is before today (${today}): such an ack would cover no night`);
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}
