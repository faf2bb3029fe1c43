/**
 * A counting semaphore that serves waiting callers in turn (round robin by key), each caller's waiters
 * earliest deadline first, and gives up on a waiter at its deadline. Earliest deadline first matters
 * under overload: served in arrival order, the statements of many concurrent requests interleave, every
 * request finishes near the end, and all of them miss their budget; served by deadline, the oldest
 * requests finish and only the newest time out.
 *
 * Why not async-sema or async-mutex: both serve waiters first come, first served, so one caller's
 * request with twenty aliased aggregates would make everyone else wait behind all twenty; neither can
 * drop a single waiter at its own deadline. And a slot here is released by whoever holds it, when the
 * work has really stopped — a terminated SQLite worker keeps its slot until its thread exits (see
 * sqlite-read-pool.ts), which a pool like piscina does not do.
 */

export type Release = () => void;

interface Waiter {
  key: string;
  deadline: number;
  grant(release: Release): void;
  timer?: NodeJS.Timeout;
}

export class FairLimiter {
  private running = 0;
  /** Waiters per key, in arrival order; `turns` is the order keys are served in. */
  private readonly waiting = new Map<string, Waiter[]>();
  private turns: string[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`FairLimiter: capacity must be a positive integer, got ${capacity}`);
  }

  /** Slots in use. */
  get active(): number {
    return this.running;
  }

  /** Callers waiting. */
  get queued(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  /**
   * A slot for `key`: at once when one is free, else when it is this key's turn (and, among its
   * waiters, this one's deadline is the earliest). Rejects with
   * `onTimeout()` if `deadline` (epoch ms) passes first. Call the returned function exactly once.
   */
  acquire(key: string, deadline?: number, onTimeout: () => Error = () => new Error('timed out waiting for a slot')): Promise<Release> {
    if (this.running < this.capacity && this.turns.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (deadline !== undefined && deadline <= Date.now()) return Promise.reject(onTimeout());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { key, deadline: deadline ?? Number.MAX_SAFE_INTEGER, grant: resolve };
      if (deadline !== undefined) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          reject(onTimeout());
        }, Math.max(0, deadline - Date.now()));
        waiter.timer.unref();
      }
      const list = this.waiting.get(key);
      if (list) {
        let i = list.length;
        while (i > 0 && list[i - 1].deadline > waiter.deadline) i--;
        list.splice(i, 0, waiter);
      } else {
        this.waiting.set(key, [waiter]);
        this.turns.push(key);
      }
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      this.next();
    };
  }

  /** Gives free slots to the next keys in turn; a served key goes to the back of the line. */
  private next(): void {
    while (this.running < this.capacity && this.turns.length) {
      const key = this.turns.shift() as string;
      const list = this.waiting.get(key) as Waiter[];
      const waiter = list.shift() as Waiter;
      if (list.length) this.turns.push(key);
      else this.waiting.delete(key);
      if (waiter.timer) clearTimeout(waiter.timer);
      this.running++;
      waiter.grant(this.releaser());
    }
  }

  private remove(waiter: Waiter): void {
    const list = this.waiting.get(waiter.key);
    if (!list) return;
    const i = list.indexOf(waiter);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) {
      this.waiting.delete(waiter.key);
      this.turns = this.turns.filter((k) => k !== waiter.key);
    }
  }
}
