/**
 * Serialises commands to each relay board: lanes run in parallel, but two lanes must not interleave frames on one
 * board's serial line. Commands to different boards run at once.
 */
export class RelayGate {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(boardId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(boardId) ?? Promise.resolve();
    const result = previous.then(task, task);
    // Keep the chain alive whatever this task does; the caller sees its own outcome.
    this.tails.set(
      boardId,
      result.catch(() => undefined),
    );
    return result;
  }
}
