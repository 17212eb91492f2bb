import { expect } from 'chai';
import { portsText, rigSnippet, toPortRow } from '../../harness/cli/commands/ports.js';
import { loadRig } from '../../harness/config/load.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('config: ports listing', () => {
  const ftdi = toPortRow({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', serialNumber: 'A10K3X', locationId: undefined, pnpId: 'usb-FTDI_FT232R-if00', manufacturer: 'FTDI' });
  const ch340 = toPortRow({ path: '/dev/ttyUSB1', vendorId: '1A86', productId: '7523', pnpId: 'pci-0000:00:14.0-usb-0:3.4:1.0' });

  it('keeps path, USB identity, location (pnpId when no locationId) and manufacturer', () => {
    expect(ftdi).to.deep.equal({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', serialNumber: 'A10K3X', location: 'usb-FTDI_FT232R-if00', manufacturer: 'FTDI' });
    expect(ch340.vendorId).to.equal('1a86');
  });

  it('suggests the USB identity when there is a serial number, the location otherwise, the path last', () => {
    expect(rigSnippet(ftdi)).to.equal('serial: { serialNumber: "A10K3X", vendorId: "0403", productId: "6001" }');
    expect(rigSnippet(ch340)).to.equal('serial: { vendorId: "1a86", productId: "7523", location: "pci-0000:00:14.0-usb-0:3.4:1.0" }');
    expect(rigSnippet({ path: '/dev/ttyS0' })).to.equal('serial: { path: "/dev/ttyS0" }');
    expect(portsText([])).to.include('no serial ports found');
    expect(portsText([ftdi])).to.include('/dev/ttyUSB0').and.include('paste');
  });

  it('the suggested lines are valid rig YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-ports-'));
    try {
      const duts = [ftdi, ch340].map(
        (row, i) => `  - id: d${i}\n    board: b\n    cable: c${i}\n    port: p${i}\n    supply: s\n    pins: {}\n    ${rigSnippet(row)}\n`,
      );
      const file = join(dir, 'r.yaml');
      writeFileSync(file, `title: t\nkind: hardware\nports: [{ id: p0 }, { id: p1 }]\ncables: [{ id: c0 }, { id: c1 }]\nsupplies: [{ id: s }]\nduts:\n${duts.join('')}`);
      const rig = loadRig(file);
      expect(rig.duts[0]!.serial).to.deep.equal({ serialNumber: 'A10K3X', vendorId: '0403', productId: '6001' });
      expect(rig.duts[1]!.serial).to.deep.equal({ vendorId: '1a86', productId: '7523', location: 'pci-0000:00:14.0-usb-0:3.4:1.0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
