/** Colour and redrawn progress only for a person at a terminal, never with NO_COLOR, in CI, a pipe or TERM=dumb. */
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { colorsOn, isInteractive, paint } from '../../harness/cli/terminal.js';

function stream(isTTY: boolean): PassThrough & { isTTY?: boolean } {
  return Object.assign(new PassThrough(), { isTTY });
}

describe('cli: terminal output', () => {
  const saved = { NO_COLOR: process.env.NO_COLOR, CI: process.env.CI, TERM: process.env.TERM };
  beforeEach(() => {
    delete process.env.NO_COLOR;
    delete process.env.CI;
    process.env.TERM = 'xterm-256color';
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('colours a terminal, and nothing else', () => {
    expect(paint(stream(true), 'red', 'bad')).to.equal('\x1b[31mbad\x1b[0m');
    expect(paint(stream(false), 'red', 'bad')).to.equal('bad');
  });

  it('NO_COLOR turns colour off on a terminal too, but keeps it interactive', () => {
    process.env.NO_COLOR = '1';
    expect(colorsOn(stream(true))).to.equal(false);
    expect(paint(stream(true), 'green', 'ok')).to.equal('ok');
    expect(isInteractive(stream(true))).to.equal(true);
  });

  it('CI and TERM=dumb get plain lines: no redrawing, no colour', () => {
    process.env.CI = '1';
    expect(isInteractive(stream(true))).to.equal(false);
    delete process.env.CI;
    process.env.TERM = 'dumb';
    expect(isInteractive(stream(true))).to.equal(false);
    expect(colorsOn(stream(true))).to.equal(false);
  });
});
