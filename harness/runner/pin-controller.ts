/**
 * Turns a DUT's logical pins (reset, boot0, power, …) into relay contact changes through the rig's wiring,
 * groups simultaneous changes per relay board into one call, and records every edge in the transcript with the
 * time it was planned for and the time it happened.
 */
import type { Dut, RelayChannel } from '../config/types.js';
import type { Transcript } from '../core/transcript.js';
import type { ContactChange, RelayBackend } from '../pins/types.js';
import type { RelayGate } from './relay-gate.js';

interface WiredPin {
  name: string;
  channel: RelayChannel;
  backend: RelayBackend;
  /** Contact closed asserts the pin (wiring `closed: active`). */
  closedAsserts: boolean;
}

export class PinController {
  private readonly pins = new Map<string, WiredPin>();
  /** Clock time a relay write started that has not been confirmed yet, or null. */
  private writingSince: number | null = null;

  constructor(
    dut: Dut,
    backends: Map<string, RelayBackend>,
    channels: Map<string, RelayChannel>,
    private readonly gate: RelayGate,
  ) {
    for (const [name, wiring] of Object.entries(dut.pins)) {
      const channel = channels.get(wiring.channel);
      const backend = channel && backends.get(channel.board);
      if (!channel || !backend) throw new Error(`DUT ${dut.id}: pin ${name} is wired to unknown channel ${wiring.channel}`);
      this.pins.set(name, { name, channel, backend, closedAsserts: wiring.closed === 'active' });
    }
  }

  /** The relay channel ids this DUT depends on. */
  channelIds(): string[] {
    return [...this.pins.values()].map((p) => p.channel.id);
  }

  /** Since when a relay write has been waiting for its board to confirm it (null: none pending). */
  get pendingWriteSince(): number | null {
    return this.writingSince;
  }

  /**
   * Applies several logical pin states at once and resolves with the clock time the edge left the host (every
   * backend's write resolved). `plannedMs` is the clock time the sequence scheduled it for; the transcript records
   * both.
   */
  async apply(states: Record<string, boolean>, transcript: Transcript, plannedMs: number): Promise<number> {
    const byBackend = new Map<RelayBackend, ContactChange[]>();
    for (const [name, active] of Object.entries(states)) {
      const pin = this.pins.get(name);
      if (!pin) throw new Error(`pin ${name} is not wired`);
      const closed = pin.closedAsserts ? active : !active;
      const list = byBackend.get(pin.backend) ?? [];
      list.push({ channel: pin.channel, closed });
      byBackend.set(pin.backend, list);
    }
    this.writingSince = transcript.clock.now();
    try {
      await Promise.all(
        [...byBackend].map(([backend, changes]) => this.gate.run(backend.board.id, () => backend.set(changes))),
      );
    } finally {
      this.writingSince = null;
    }
    const at = transcript.clock.now();
    for (const [name, active] of Object.entries(states)) {
      const pin = this.pins.get(name)!;
      transcript.add({ kind: 'edge', pin: name, active, channel: pin.channel.id, planned: transcript.micros(plannedMs) }, at);
    }
    return at;
  }
}
