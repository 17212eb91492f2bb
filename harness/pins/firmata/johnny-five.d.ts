/**
 * The part of johnny-five 2.1 the Firmata relay backend uses (Board only). Written here because @types/johnny-five
 * is not installed and is wrong in places (it lacks the sigint option).
 */
declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';

  namespace five {
    interface BoardOptions {
      /** An IO plugin instance (here: a firmata-io Firmata over our own serial stream). */
      io: unknown;
      id?: string;
      repl?: boolean;
      debug?: boolean;
      /** true (the default) installs a SIGINT handler that exits the process. */
      sigint?: boolean;
      /** ms from 'connect' to 'ready' before the board emits 'error'. */
      timeout?: number;
    }

    class Board extends EventEmitter {
      constructor(options: BoardOptions);
      readonly id: string;
      readonly isReady: boolean;
      /** The connect-to-ready timer; johnny-five clears it only on 'ready'. */
      timer: ReturnType<typeof setTimeout> | null;
      /** Every board constructed in this process (johnny-five never forgets them on its own). */
      static readonly cache: Board[];
    }
  }

  export = five;
}
