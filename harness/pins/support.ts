/** Small helpers shared by the relay backends. */

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects when the promise has not settled within ms (the promise itself carries on). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(messageOf(error)));
      },
    );
  });
}

/** onLost listeners of a backend: told once per loss, each in isolation. */
export class LossSignal {
  private listeners: Array<(error: Error) => void> = [];
  private current: Error | null = null;

  /** The loss of the current connection, if any. */
  get error(): Error | null {
    return this.current;
  }

  /** Why an operation failed: the loss, if the connection went away meanwhile, else the error itself. */
  describe(error: unknown): string {
    return this.current ? this.current.message : messageOf(error);
  }

  listen(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }

  /** Records the loss and tells every listener; later calls until reset() are ignored. */
  fire(error: Error): void {
    if (this.current) return;
    this.current = error;
    for (const listener of this.listeners) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }

  /** A new connection: losses count again. */
  reset(): void {
    this.current = null;
  }
}
