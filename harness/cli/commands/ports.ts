/** `shakedown ports [--json]`: the serial ports the OS sees, with the USB identity to paste into a rig. */
import { Command } from 'commander';
import { InfrastructureError } from '../../core/exit-codes.js';
import { formatTable } from '../table.js';

export interface PortRow {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  /** Physical location (locationId) or, failing that, the pnpId. */
  location?: string;
  manufacturer?: string;
}

interface ListedPort {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  locationId?: string;
  pnpId?: string;
  manufacturer?: string;
}

export function toPortRow(p: ListedPort): PortRow {
  const row: PortRow = { path: p.path };
  if (p.vendorId) row.vendorId = p.vendorId.toLowerCase();
  if (p.productId) row.productId = p.productId.toLowerCase();
  if (p.serialNumber) row.serialNumber = p.serialNumber;
  const location = p.locationId ?? p.pnpId;
  if (location) row.location = location;
  if (p.manufacturer) row.manufacturer = p.manufacturer;
  return row;
}

/** The `serial:` value for a rig: USB identity when there is one (survives renumbering), else the path. */
export function rigSnippet(row: PortRow): string {
  const q = (s: string) => JSON.stringify(s);
  if (row.serialNumber && row.vendorId && row.productId) {
    return `serial: { serialNumber: ${q(row.serialNumber)}, vendorId: ${q(row.vendorId)}, productId: ${q(row.productId)} }`;
  }
  if (row.location && row.vendorId && row.productId) {
    return `serial: { vendorId: ${q(row.vendorId)}, productId: ${q(row.productId)}, location: ${q(row.location)} }`;
  }
  return `serial: { path: ${q(row.path)} }`;
}

export function portsText(rows: PortRow[]): string {
  if (rows.length === 0) return 'no serial ports found (is the adapter plugged in? is its driver loaded?)\n';
  const table = formatTable(
    ['path', 'vendorId', 'productId', 'serialNumber', 'location', 'manufacturer'],
    rows.map((r) => [r.path, r.vendorId ?? '', r.productId ?? '', r.serialNumber ?? '', r.location ?? '', r.manufacturer ?? '']),
  );
  const hints = rows.map((r) => `  ${r.path}:\n    ${rigSnippet(r)}`).join('\n');
  return `${table}\nTo use a port in a rig, paste its line into the DUT (or relay board, as port:):\n${hints}\n`;
}

async function listPorts(): Promise<PortRow[]> {
  try {
    const { SerialPort } = await import('serialport');
    return (await SerialPort.list()).map(toPortRow).sort((a, b) => a.path.localeCompare(b.path));
  } catch (error) {
    throw new InfrastructureError(`cannot list serial ports: ${(error as Error).message}`);
  }
}

export function register(program: Command): void {
  program
    .command('ports')
    .description("list serial ports with their USB identity, ready to paste into a rig's serial:")
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: { json?: boolean }) => {
      const rows = await listPorts();
      process.stdout.write(flags.json ? JSON.stringify(rows, null, 2) + '\n' : portsText(rows));
    });
}
