/**
 * Heavy SQLite reads off the event loop. better-sqlite3 runs a statement synchronously on the calling
 * thread and cannot interrupt it, so an aggregate over a large company run on the main connection
 * stalls every other request — /healthz included — for as long as it takes. Here each statement runs
 * in a worker thread with its own read-only connection to the same file (WAL: readers see the last
 * committed state and never block the writer).
 *
 * Past its deadline the caller gets QUERY_TIMEOUT at once and the worker is terminated. Termination
 * cannot stop a statement inside SQLite either (the thread exits when the statement returns;
 * better-sqlite3 exposes no `sqlite3_interrupt`, WiseLibs/better-sqlite3#568), so the
 * worker keeps its slot until its thread has really exited: at most `size` statements ever run at once,
 * however many time out. `node:worker_threads` is used directly for that reason (piscina replaces an
 * aborted worker at once, letting runaway statements pile up threads).
 */
import { Worker } from 'node:worker_threads';
import { FairLimiter } from './fair-limiter';

/** The worker's code: plain CommonJS, evaluated as a string so it runs the same from src (tests) and dist. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
const statements = new Map();
parentPort.on('message', (task) => {
  try {
    let stmt = statements.get(task.sql);
    if (!stmt) {
      stmt = db.prepare(task.sql);
      if (!stmt.reader) throw new Error('the read worker runs SELECT statements only');
      if (statements.size >= 200) statements.clear();
      statements.set(task.sql, stmt);
    }
    parentPort.postMessage({ rows: stmt.all(...task.params) });
  } catch (e) {
    parentPort.postMessage({ error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

interface Reply {
  rows?: Record<string, unknown>[];
  error?: { message: string; code?: string };
}

/** An error a statement raised inside the worker, with SQLite's code (`SQLITE_ERROR`…). */
export class SqliteWorkerError extends Error {
  override name = 'SqliteWorkerError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface SqliteReadPoolOptions {
  /** The database file (not `:memory:`: a worker cannot see another connection's memory database). */
  file: string;
  /** Worker threads, i.e. statements running at once. */
  size: number;
  /** An idle worker exits after this long (default 30 s); the next statement starts a new one. */
  idleMs?: number;
}

export class SqliteReadPool {
  private readonly limiter: FairLimiter;
  private readonly idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
  private readonly driver = require.resolve('better-sqlite3');
  private closed = false;

  constructor(private readonly options: SqliteReadPoolOptions) {
    this.limiter = new FairLimiter(options.size);
  }

  /** Statements running, and statements waiting for a worker. */
  get load(): { running: number; waiting: number } {
    return { running: this.limiter.active, waiting: this.limiter.queued };
  }

  /**
   * Runs one SELECT with positional parameters and returns its rows. `key` is whose turn it is (callers
   * are served round robin); past `deadline` (epoch ms), waiting or running, it rejects with `onTimeout()`.
   */
  async all(sql: string, params: unknown[], key: string, deadline: number | undefined, onTimeout: () => Error): Promise<Record<string, unknown>[]> {
    if (this.closed) throw new Error('the SQLite read pool is closed');
    const release = await this.limiter.acquire(key, deadline, onTimeout);
    let worker: Worker;
    try {
      worker = this.take();
    } catch (e) {
      release();
      throw e;
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const cleanup = () => {
        settled = true;
        if (timer) clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        cleanup();
        this.giveBack(worker);
        release();
        if (reply.error) reject(new SqliteWorkerError(reply.error.message, reply.error.code));
        else resolve(reply.rows ?? []);
      };
      const onError = (e: Error) => {
        cleanup();
        release();
        reject(e);
      };
      const onExit = (code: number) => {
        if (settled) return;
        cleanup();
        release();
        reject(new Error(`the SQLite read worker exited (code ${code})`));
      };
      const timer =
        deadline === undefined
          ? undefined
          : setTimeout(() => {
              if (settled) return;
              cleanup();
              reject(onTimeout());
              // The slot is free only once the thread is gone (after SQLite returns from the statement).
              worker.unref();
              worker.once('exit', release);
              worker.once('error', () => undefined);
              void worker.terminate();
            }, Math.max(0, deadline - Date.now()));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ sql, params: params.map(bindable) });
    });
  }

  /** Terminates every worker (running statements finish in their threads, their callers are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map(({ worker, timer }) => (clearTimeout(timer), worker.terminate())));
  }

  private take(): Worker {
    const ready = this.idle.pop();
    // A worker keeps the process alive only while it runs a statement someone awaits (a CLI command
    // waiting for its report must not exit early); idle, or terminated and finishing a statement, it does not.
    if (ready) {
      clearTimeout(ready.timer);
      ready.worker.ref();
      return ready.worker;
    }
    return new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: this.driver, file: this.options.file } });
  }

  private giveBack(worker: Worker): void {
    worker.unref();
    if (this.closed) {
      void worker.terminate();
      return;
    }
    const entry = {
      worker,
      timer: setTimeout(() => {
        const i = this.idle.indexOf(entry);
        if (i >= 0) this.idle.splice(i, 1);
        void worker.terminate();
      }, this.options.idleMs ?? 30_000),
    };
    entry.timer.unref();
    this.idle.push(entry);
  }
}

/** What better-sqlite3 binds as TypeORM's SQLite driver does: booleans as 0/1, dates as UTC text. */
function bindable(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  return v === undefined ? null : v;
}
