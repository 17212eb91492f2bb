/** Process exit codes: scripts outside the code rely on these. */
export const EXIT = {
  ok: 0,
  /** Trials failed or components flagged. */
  failures: 1,
  /** Bad input: a profile, a rig, or command-line arguments. */
  badInput: 2,
  /** Infrastructure: a relay board, the store, or the host itself failed. */
  infrastructure: 3,
} as const;

/** An error the user caused with their input; printed without a stack trace, exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** An error of the bench or host (relay board lost, store unwritable); printed without a stack trace, exit 3. */
export class InfrastructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfrastructureError';
  }
}
