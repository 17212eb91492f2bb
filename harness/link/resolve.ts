/**
 * Finds a serial port from the rig's description: a path as given, or the one USB adapter whose identity
 * (serial number, vendor/product id, location) matches, so /dev/ttyUSBn renumbering does not matter.
 */
import type { PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { PortMatch } from '../config/types.js';
import { PortOpenError } from './serial-link.js';

type Key = Exclude<keyof PortMatch, 'path'>;

const KEYS: Array<{ key: Key; field: keyof PortInfo; hex: boolean }> = [
  { key: 'serialNumber', field: 'serialNumber', hex: false },
  { key: 'vendorId', field: 'vendorId', hex: true },
  { key: 'productId', field: 'productId', hex: true },
  { key: 'location', field: 'locationId', hex: false },
];

/** Resolves to the port's path; rejects with a PortOpenError (ENOENT: none, EAMBIGUOUS: several) otherwise. */
export async function resolvePort(match: PortMatch, list: () => Promise<PortInfo[]>): Promise<string> {
  const wanted = KEYS.filter(({ key }) => match[key] !== undefined && match[key] !== '');
  if (wanted.length === 0) {
    if (match.path) return match.path;
    throw new PortOpenError('the port is described by neither a path nor a USB identity', 'EINVAL', '');
  }
  const ports = await list();
  const hits = ports.filter(
    (port) =>
      (!match.path || port.path === match.path) &&
      wanted.every(({ key, field, hex }) => same(String(match[key]), port[field], hex)),
  );
  const description = describe(match);
  if (hits.length === 1) return hits[0]!.path;
  if (hits.length === 0) {
    const seen = ports.length ? ports.map(summary).join('; ') : 'none';
    throw new PortOpenError(`no serial port matches ${description} (ports present: ${seen})`, 'ENOENT', match.path ?? '');
  }
  throw new PortOpenError(
    `${hits.length} serial ports match ${description} (${hits.map((p) => p.path).join(', ')}): add serialNumber or location to tell them apart`,
    'EAMBIGUOUS',
    match.path ?? '',
  );
}

function same(wanted: string, actual: string | undefined, hex: boolean): boolean {
  if (actual === undefined || actual === null) return false;
  if (!hex) return wanted.trim().toLowerCase() === String(actual).trim().toLowerCase();
  const norm = (v: string) => v.trim().toLowerCase().replace(/^0x/, '').replace(/^0+(?=.)/, '');
  return norm(wanted) === norm(String(actual));
}

function describe(match: PortMatch): string {
  return Object.entries(match)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function summary(port: PortInfo): string {
  const id = [port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : '', port.serialNumber ?? '']
    .filter(Boolean)
    .join(' ');
  return id ? `${port.path} (${id})` : port.path;
}
