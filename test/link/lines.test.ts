import { expect } from 'chai';
import { LineReader, MAX_LINE_CHARS } from '../../harness/link/lines.js';

const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('line reader (text from boot ROMs)', () => {
  it('ends lines at CR, LF or both, in any chunking, and drops empty ones', () => {
    const reader = new LineReader();
    expect(reader.push(text('ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWE'))).to.deep.equal(['ets Jun  8 2016 00:22:57']);
    expect(reader.pending).to.equal('rst:0x1 (POWE');
    expect(reader.push(text('RON_RESET)\nwaiting for download\r'))).to.deep.equal(['rst:0x1 (POWERON_RESET)', 'waiting for download']);
    expect(reader.pending).to.equal('');
  });

  it('keeps noise visible (latin1) and cuts a line that never ends', () => {
    const reader = new LineReader();
    expect(reader.push(Uint8Array.of(0x9a, 0x41, 0x0a))).to.deep.equal(['\u009aA']);
    const lines = reader.push(new Uint8Array(MAX_LINE_CHARS * 2 + 3).fill(0x55));
    expect(lines.map((l) => l.length)).to.deep.equal([MAX_LINE_CHARS, MAX_LINE_CHARS]);
    expect(reader.pending).to.have.length(3);
  });
});
