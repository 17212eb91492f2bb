/**
 * The errors a real Linux serial port gives, so code above the binding (the stream, the link, the runner) cannot
 * tell the simulated bench from hardware: `code`/`errno` as Node reports them, `canceled` for operations ended by
 * close() (the binding contract), and the unplug error that makes @serialport/stream close with a
 * DisconnectedError (`disconnected: true`).
 */

export interface SimPortError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  /** Set on operations cut short by close(): the stream ignores these. */
  canceled?: boolean;
  /** Set on the error a vanished device gives (as the hardware binding marks ENXIO/EBADF). */
  disconnect?: boolean;
}

function portError(message: string, fields: Omit<SimPortError, 'name' | 'message'>): SimPortError {
  return Object.assign(new Error(message), fields);
}

/** open() of a path that does not exist, or whose adapter is unplugged or still re-enumerating. */
export function noSuchPortError(path: string): SimPortError {
  return portError(`No such file or directory, cannot open ${path}`, { code: 'ENOENT', errno: -2, syscall: 'open', path });
}

/** open() of a port another handle holds (the binding locks ports by default). */
export function portBusyError(path: string): SimPortError {
  return portError(`Resource busy, cannot lock port ${path}`, { code: 'EBUSY', errno: -16, syscall: 'open', path });
}

/** Reads and writes on a port whose USB adapter vanished (the tty is hung up). */
export function unpluggedError(path: string, syscall: 'read' | 'write' | 'ioctl'): SimPortError {
  return portError(`Input/output error, ${syscall} ${path} (device disconnected)`, {
    code: 'EIO',
    errno: -5,
    syscall,
    path,
    disconnect: true,
  });
}

/** Operations on a port that is closed, or pending reads ended by close(). */
export function canceledError(message = 'Port is not open'): SimPortError {
  return portError(message, { canceled: true });
}
