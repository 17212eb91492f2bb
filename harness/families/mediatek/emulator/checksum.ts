/**
 * SEND_DA checksum: XOR of the payload read as little-endian 16-bit words. An odd final byte counts as a word
 * whose high byte is zero. Incremental, because the payload arrives in pieces.
 */
export class Xor16le {
  private low = 0;
  private high = 0;
  private count = 0;

  update(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.count % 2 === 0) this.low ^= b;
      else this.high ^= b;
      this.count++;
    }
  }

  get value(): number {
    return (this.high << 8) | this.low;
  }
}

export function xor16le(bytes: Uint8Array): number {
  const sum = new Xor16le();
  sum.update(bytes);
  return sum.value;
}
