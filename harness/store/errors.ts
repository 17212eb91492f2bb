/** Errors every store implementation raises the same way. */
import { InputError } from '../core/exit-codes.js';
import type { LabRig } from './types.js';

/**
 * A rig id that another bench PC already runs in a shared store: two rig files of the same name on two PCs would
 * mix their trials. A configuration problem (exit 2), refused before any trial is stored.
 */
export class RigClaimError extends InputError {
  constructor(readonly rig: string, readonly claimedBy: LabRig, readonly host: string, readonly location: string) {
    super(
      `rig ${rig} in the store ${location} is the rig of bench PC ${claimedBy.host} (since ${claimedBy.since}), not of ${host}: ` +
        `give this rig a lab-unique id (lab: { id: ${host}-${rig} } in its rig file), or, if the bench itself moved to this PC, ` +
        `run \`shakedown sync --db … --adopt ${rig}\` here once`,
    );
    this.name = 'RigClaimError';
  }
}
