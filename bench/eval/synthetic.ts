/**
 * A fast stand-in for the runner: trial records drawn straight from the rig's `sim:` blocks with the per-trial
 * symptom statistics the simulated bench produces (a stuck mode → wrong-mode every time; a dead boot or an open
 * cable → silent; a vanished port → port-lost; a brown-out → reset-mid; a stuck reset/power relay → silent or
 * wrong-mode, a stuck boot relay → wrong-mode; a bootloop → flood; bit errors and lost bytes → corrupt). No bytes, no timing:
 * enough to test the statistics, in milliseconds.
 */
import type { Dut, Rig } from '../../harness/config/types.js';
import { Rng } from '../../harness/core/rng.js';
import type { Symptom, TrialComponents, TrialRecord } from '../../harness/core/record.js';
import { perTrial, SYNTHETIC_BITS_PER_TRIAL as BITS_PER_TRIAL, SYNTHETIC_BYTES_PER_TRIAL as BYTES_PER_TRIAL, SYNTHETIC_SWITCHES_PER_TRIAL as SWITCHES_PER_TRIAL } from './strengths.js';

export interface SyntheticOptions {
  trialsPerDut: number;
  night?: string;
  runId?: string;
  seed?: number;
}

export function componentsFor(rig: Rig, dut: Dut): TrialComponents {
  const port = rig.ports.find((p) => p.id === dut.port);
  const components: TrialComponents = {
    dut: dut.id,
    cable: dut.cable,
    port: dut.port,
    supply: dut.supply,
    relays: Object.values(dut.pins).map((p) => p.channel),
    host: rig.host,
  };
  if (port?.hub) components.hub = port.hub;
  return components;
}

export function syntheticRecords(rig: Rig, options: SyntheticOptions): TrialRecord[] {
  const night = options.night ?? '2026-01-01';
  const runId = options.runId ?? `${rig.id}-${night}`;
  const root = new Rng(options.seed ?? rig.sim?.seed ?? 1).fork(night);
  const records: TrialRecord[] = [];
  for (const dut of rig.duts) {
    const rng = root.fork(dut.id);
    const components = componentsFor(rig, dut);
    for (let seq = 1; seq <= options.trialsPerDut; seq++) {
      const symptom = drawSymptom(rig, dut, rng);
      records.push({
        runId,
        trialId: `${runId}/${dut.id}/${seq}`,
        rig: rig.id,
        dut: dut.id,
        seq,
        night,
        components,
        profile: dut.board,
        profileDigest: dut.board,
        startedAt: `${night}T01:00:00.000Z`,
        phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: 0 },
        resetToFirstByteMs: symptom === 'silent' ? null : 50,
        retries: 0,
        transcript: [],
        result: symptom === 'ok' ? 'pass' : 'fail',
        symptom,
        detail: symptom === 'ok' ? 'ok' : `synthetic ${symptom}`,
      });
    }
  }
  return records;
}

/** One trial: every mechanism is drawn (so streams stay aligned), the first that strikes names the symptom. */
function drawSymptom(rig: Rig, dut: Dut, rng: Rng): Symptom {
  const cable = rig.cables.find((c) => c.id === dut.cable)?.sim ?? {};
  const port = rig.ports.find((p) => p.id === dut.port);
  const hub = port?.hub ? rig.hubs.find((h) => h.id === port.hub) : undefined;
  const supply = rig.supplies.find((s) => s.id === dut.supply)?.sim ?? {};
  const channels = new Map(rig.relays.flatMap((b) => b.channels).map((c) => [c.id, c]));
  const pins = Object.values(dut.pins);

  const strikes: Array<[boolean, Symptom]> = [
    [Boolean(dut.sim?.mode), 'wrong-mode'],
    [rng.chance(dut.sim?.deadRate ?? 0), 'silent'],
    [rng.chance(cable.openRate ?? 0), 'silent'],
    [rng.chance(port?.sim?.disconnectRate ?? 0) || rng.chance(hub?.sim?.disconnectRate ?? 0), 'port-lost'],
    [rng.chance(supply.brownoutRate ?? 0), 'reset-mid'],
  ];
  pins.forEach((pin, i) => {
    const stuck = rng.chance(perTrial(channels.get(pin.channel)?.sim?.stuckRate ?? 0, SWITCHES_PER_TRIAL));
    // A reset or power relay that does not switch leaves the board unrestarted (silent) or, about one time in three
    // on the runner, in the mode it was left in; a mode relay leaves it in the wrong mode.
    const restartPin = rng.chance(1 / 3) ? 'wrong-mode' : 'silent';
    strikes.push([stuck, i === 0 ? restartPin : 'wrong-mode']);
  });
  strikes.push([rng.chance(dut.sim?.bootloopRate ?? 0), 'flood']);
  strikes.push([rng.chance(perTrial(cable.bitErrorRate ?? 0, BITS_PER_TRIAL)) || rng.chance(perTrial(cable.dropRate ?? 0, BYTES_PER_TRIAL)), 'corrupt']);
  return strikes.find(([struck]) => struck)?.[1] ?? 'ok';
}
