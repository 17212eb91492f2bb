import { expect } from 'chai';
import { pinsMoved } from '../../harness/config/steps.js';
import type { PinDef, Step } from '../../harness/config/types.js';

const pin = (role: PinDef['role'], idle: PinDef['idle'] = 'inactive'): PinDef => ({ name: role, role, active: 'high', idle });

describe('which pins a profile moves', () => {
  it('a pin only ever set to its idle state is never moved; pulses, power cycles and set-then-restore are', () => {
    const pins = { reset: pin('reset'), boot0: pin('boot-strap'), boot1: pin('boot-strap'), power: pin('power', 'active') };
    const enter: Step[] = [{ kind: 'set', pins: { boot0: true, boot1: false } }, { kind: 'pulse', pin: 'reset', ms: 10 }];
    const leave: Step[] = [{ kind: 'set', pins: { boot0: false } }, { kind: 'pulse', pin: 'reset', ms: 10 }];
    expect([...pinsMoved(pins, enter, leave)].sort()).to.deep.equal(['boot0', 'reset']);
    expect([...pinsMoved(pins, [{ kind: 'powerCycle', pin: 'power', offMs: 500 }], [])]).to.deep.equal(['power']);
  });

  it('a pin that enter sets and leave never restores moves once, on the first trial', () => {
    const pins = { boot: pin('boot-strap') };
    expect([...pinsMoved(pins, [{ kind: 'set', pins: { boot: true } }], [])]).to.deep.equal(['boot']);
  });
});
