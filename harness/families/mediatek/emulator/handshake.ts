/**
 * The start handshake as the target plays it, one received byte at a time (host sends A0 0A 50 05).
 *
 * The target remembers how far the host has got. A byte that is the next one expected is answered with its
 * inverse (5F F5 AF FA) and moves the target on; after 05 it is in sync (command mode). Any other byte is
 * "out of sync": the target answers it plus one and goes back to expecting A0. So a cold target (just booted,
 * no A0 yet) answers 0A with 0B; a target waiting for 0A that gets A0 answers A1 — and then answers the next
 * A0 with 5F, which lets a host that restarts from A0 after every mismatch always get through. A host that
 * ignores the mismatch and carries on gets the full "+1" run A1 0B 51 06.
 */
import { HANDSHAKE_BYTES } from './constants.js';

export class Handshake {
  private position = 0;

  /** All four bytes were answered in order: the target is in command mode. */
  get synced(): boolean {
    return this.position === HANDSHAKE_BYTES.length;
  }

  /** How many handshake bytes in a row have been accepted so far (0..4). */
  get progress(): number {
    return this.position;
  }

  /** The byte the target answers to one byte received before sync. */
  answer(byte: number): number {
    if (!this.synced && byte === HANDSHAKE_BYTES[this.position]) {
      this.position++;
      return ~byte & 0xff;
    }
    this.position = 0;
    return (byte + 1) & 0xff;
  }

  reset(): void {
    this.position = 0;
  }
}
