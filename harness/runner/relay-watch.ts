/**
 * Watches the relay controllers: each is asked something it must answer (RelayBackend.probe) once the boards are
 * open and after every trial, before the trial's record is accepted. A controller that stopped answering while
 * its port stays open switched nothing the trial asked for, so the trial is the harness's error, not evidence
 * against the board, cable, port or supply — and the run must not go on charging trials to them.
 */
import type { Dut, RelayChannel } from '../config/types.js';
import { InfrastructureError } from '../core/exit-codes.js';
import { messageOf } from '../pins/support.js';
import type { RelayBackend } from '../pins/types.js';
import type { RelayGate } from './relay-gate.js';

export class RelayWatch {
  constructor(
    private readonly gate: RelayGate,
    private readonly backends: ReadonlyMap<string, RelayBackend>,
    private readonly channels: ReadonlyMap<string, RelayChannel>,
  ) {}

  /** The relay boards a DUT's pins go through. */
  boardsOf(dut: Dut): RelayBackend[] {
    const ids = new Set(Object.values(dut.pins).map((wiring) => this.channels.get(wiring.channel)?.board));
    return [...ids].flatMap((id) => (id === undefined ? [] : [this.backends.get(id)!]));
  }

  /**
   * Probes the boards (each through the gate, so its frames do not interleave with a lane's); resolves with the
   * error of the first that did not answer, or undefined when all did. A board that misses one answer is asked
   * once more before it is called silent: a busy host can read an answer after its deadline, and a run stopped
   * for that would be the harness's fault twice over. A board that stopped answering misses both.
   */
  async silentBoard(boards: Iterable<RelayBackend>): Promise<InfrastructureError | undefined> {
    const askTwice = (b: RelayBackend) => this.gate.run(b.board.id, () => b.probe().catch(() => b.probe()));
    const outcomes = await Promise.allSettled([...boards].map(askTwice));
    const silent = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (!silent) return undefined;
    const error = silent.reason as unknown;
    return error instanceof InfrastructureError ? error : new InfrastructureError(`relay board did not answer: ${messageOf(error)}`);
  }
}
