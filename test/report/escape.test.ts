import { expect } from 'chai';
import { esc } from '../../harness/report/escape.js';

describe('report: esc', () => {
  it('escapes markup in text and attribute contexts', () => {
    expect(esc('<script>alert(1)</script>')).to.equal('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(esc(`a"b'c&d`)).to.equal('a&quot;b&#39;c&amp;d');
  });

  it('turns characters XML cannot carry into visible escapes', () => {
    expect(esc('a\u0000b\u001bc\u007f')).to.equal('a\\x00b\\x1bc\\x7f');
    expect(esc('\uD800x')).to.equal('\\ud800x');
    expect(esc('tab\tnew\nline\r')).to.equal('tab\tnew\nline\r');
    expect(esc('ok 😀 é')).to.equal('ok 😀 é');
  });

  it('renders null and undefined as empty and numbers as text', () => {
    expect(esc(null)).to.equal('');
    expect(esc(undefined)).to.equal('');
    expect(esc(0x79)).to.equal('121');
  });
});
