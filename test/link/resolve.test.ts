import { expect } from 'chai';
import type { PortMatch } from '../../harness/config/types.js';
import { resolvePort } from '../../harness/link/resolve.js';
import { PortOpenError } from '../../harness/link/serial-link.js';

const port = (path: string, o: { serialNumber?: string; vendorId?: string; productId?: string; locationId?: string } = {}) => ({
  path,
  manufacturer: undefined,
  pnpId: undefined,
  serialNumber: o.serialNumber,
  vendorId: o.vendorId,
  productId: o.productId,
  locationId: o.locationId,
});

const ports = [
  port('/dev/ttyUSB0', { serialNumber: 'A10KZ3XQ', vendorId: '0403', productId: '6001', locationId: '1-1.2' }),
  port('/dev/ttyUSB1', { serialNumber: 'B77Q', vendorId: '1a86', productId: '7523', locationId: '1-1.3' }),
  port('/dev/ttyUSB2', { serialNumber: 'C01', vendorId: '1A86', productId: '7523', locationId: '1-1.4' }),
  port('/dev/ttyS0'),
];
const list = async () => ports;

async function rejection(match: PortMatch): Promise<PortOpenError> {
  const error = await resolvePort(match, list).then(() => null, (e) => e);
  expect(error).to.be.instanceOf(PortOpenError);
  return error as PortOpenError;
}

describe('resolvePort', () => {
  it('takes a path as given (it may be a symlink nobody lists)', async () => {
    expect(await resolvePort({ path: '/dev/serial/by-id/usb-FTDI' }, async () => [])).to.equal('/dev/serial/by-id/usb-FTDI');
  });

  it('finds an adapter by serial number, case-insensitively', async () => {
    expect(await resolvePort({ serialNumber: 'a10kz3xq' }, list)).to.equal('/dev/ttyUSB0');
  });

  it('compares vendor/product ids as hex, whatever the case or leading zeros', async () => {
    expect(await resolvePort({ vendorId: '0x403', productId: '6001' }, list)).to.equal('/dev/ttyUSB0');
  });

  it('requires every given key to match', async () => {
    expect(await resolvePort({ vendorId: '1a86', productId: '7523', location: '1-1.4' }, list)).to.equal('/dev/ttyUSB2');
    const none = await rejection({ serialNumber: 'A10KZ3XQ', vendorId: '1a86' });
    expect(none.code).to.equal('ENOENT');
  });

  it('says clearly when nothing matches, listing what is there', async () => {
    const error = await rejection({ serialNumber: 'ZZZ' });
    expect(error.code).to.equal('ENOENT');
    expect(error.message).to.match(/no serial port matches serialNumber=ZZZ/);
    expect(error.message).to.contain('/dev/ttyUSB0 (0403:6001 A10KZ3XQ)');
  });

  it('refuses to guess between several matches', async () => {
    const error = await rejection({ vendorId: '1a86', productId: '7523' });
    expect(error.code).to.equal('EAMBIGUOUS');
    expect(error.message).to.match(/2 serial ports match .*\/dev\/ttyUSB1, \/dev\/ttyUSB2.*serialNumber or location/);
  });

  it('rejects a description with neither path nor identity', async () => {
    expect((await rejection({})).code).to.equal('EINVAL');
  });
});
