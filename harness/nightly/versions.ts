/** Versions shown in the report's environment section (the store adds its own, the run those it was recorded with). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function versionOf(packageJson: string): string {
  try {
    return (require(packageJson) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const PRODUCT_VERSIONS: Record<string, string> = {
  shakedown: versionOf('../../package.json'),
  node: process.versions.node,
  serialport: versionOf('serialport/package.json'),
};
