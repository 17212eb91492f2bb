import { expect } from 'chai';
import type { TranscriptEvent, TrialRecord } from '../../harness/core/record.js';
import { mismatchTable, transcriptTable } from '../../harness/report/hexdump.js';
import { pinTimelineSvg } from '../../harness/report/svg/timeline.js';
import { sparklineSvg } from '../../harness/report/svg/sparkline.js';
import { mismatchText } from '../../harness/report/text.js';

function trial(transcript: TranscriptEvent[], mismatch?: TrialRecord['mismatch']): TrialRecord {
  return {
    runId: 'r', trialId: 'r/d/1', rig: 'rig', dut: 'd', seq: 1, night: '2026-11-21',
    components: { dut: 'd', cable: 'c', port: 'p', supply: 's', relays: [], host: 'h' },
    profile: 'p', profileDigest: 'x', startedAt: '2026-11-21T00:00:00Z',
    phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: 0 },
    resetToFirstByteMs: null, retries: 0, transcript, result: 'fail', symptom: 'unexpected-reply', detail: '',
    ...(mismatch ? { mismatch } : {}),
  };
}

describe('report: hex dump, timeline, sparkline', () => {
  it('finds the mismatching reply inside a chunk that also holds an earlier answer', () => {
    const events: TranscriptEvent[] = [
      { t: 0, kind: 'tx', data: '00 FF' },
      { t: 100, kind: 'rx', data: '79 68 68' }, // 79 answered the command, then the device printed "hh"
      { t: 200, kind: 'note', text: 'GET: expected 79 ?? ?? 79, got 68 68' },
    ];
    const html = transcriptTable(trial(events, { expected: '79 ?? ?? 79', got: '68 68', at: 200 }));
    expect(html).to.include('79 <mark class="deviant" title="expected 79">68</mark>');
    expect(html).to.include('<span class="reply">68</span>', 'the second 68 matches a wildcard: part of the reply, not deviant');
    expect(html.match(/<mark class="deviant"/g)).to.have.length(2); // once in hex, once in ascii
  });

  it('compares expected and received byte by byte, missing bytes included', () => {
    const html = mismatchTable({ expected: '79 1F', got: '79', at: 0 });
    expect(html).to.include('title="missing"');
    expect(html).to.not.include('<mark');
    expect(mismatchText({ expected: '79', got: '1F 79', at: 0 })).to.equal('expected 79 / got 1F 79 (deviant: #0 1F≠79, #1 79 extra)');
  });

  it('draws a step per pin edge and escapes pin names', () => {
    const svg = pinTimelineSvg(
      [
        { t: 0, kind: 'edge', pin: 'reset', active: true },
        { t: 5000, kind: 'edge', pin: 'reset', active: false, planned: 4900 },
        { t: 6000, kind: 'edge', pin: '<b>', active: true },
        { t: 7000, kind: 'tx', data: '7F' },
      ],
      'trial 1',
    );
    expect(svg.match(/<path class="pin"/g)).to.have.length(2);
    expect(svg).to.include('&lt;b&gt;').and.not.include('<b>');
    expect(svg).to.include('planned 4.9 ms, +0.1 ms');
    expect(pinTimelineSvg([], 'empty')).to.include('no pin edges');
  });

  it('marks the night a change began on the sparkline', () => {
    const points = ['2026-11-17', '2026-11-18', '2026-11-19'].map((night, i) => ({ night, trials: 10, passRate: i ? 0.5 : 1 }));
    const svg = sparklineSvg(points, 'c2', '2026-11-18');
    expect(svg).to.include('class="change"').and.include('change began 2026-11-18');
    expect(sparklineSvg(points, 'c2', null)).to.not.include('class="change"');
  });
});
