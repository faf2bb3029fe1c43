/**
 * Where the importer's parsed rows come from: {@link openRowFeed} reads a large file in a worker thread
 * (`parse-worker.ts`) — the file is read and validated there while the main thread writes the previous
 * batches — and a small one in-process, where starting a thread would cost more than it saves. Both
 * give the same batches, issues and mappings in the same order, and fail with the same errors
 * ({@link ImportFileError} with its code and one-line message); a worker that dies fails the import.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { language, say } from '../../src/common/messages';
import type { AnnexSpec, ColumnSpec } from '../annexes/spec';
import type { LabelRow } from './coerce';
import type { MatchedColumn } from './header';
import { ImportFileError, type ImportCode } from './issues';
import { MappingSet, type MappingRule } from './mappings';
import { openWorkbook } from './open';
import { AnnexParser, type ParseListener, type ParsedRow, type SheetLayout } from './parser';
import { TIME_LIMIT_SIGNAL, type FromWorker, type ToWorker, type WireColumn, type WireLayout, type WorkerStart } from './row-feed-protocol';
import { CellError, DateSerial, type CellValue } from './source';

/** Files from this size on are parsed in a worker thread (below it, starting one costs more than it saves). */
export const PARSE_WORKER_MIN_BYTES = 1024 * 1024;
/**
 * Cores a machine needs before `auto` parses in a worker, by database. SQLite writes on the importer's own
 * thread and no server competes for the second core: bench:import on 2 cores, 200,000 rows 14.2 s threaded
 * against 17.4 s in-process. A MySQL server does compete for it: 14.4–14.6 s threaded against 13.3–13.7 s.
 */
export const PARSE_WORKER_MIN_CORES = { sqlite: 2, mysql: 3 } as const;

export interface FeedRequest {
  tiers: readonly LabelRow[];
  managementLevels: readonly LabelRow[];
  /** `--map` and saved mappings (the built-in ones are added). */
  mappings: readonly MappingRule[];
  /** Called while reading (every 256 rows): throws to stop (the time limit). */
  checkpoint: () => void;
  /** When `checkpoint` starts throwing; the worker checks it itself. */
  deadline: number;
  batchSize: number;
}

export interface RowFeed {
  /** Whether the work happens in a worker thread. */
  readonly threaded: boolean;
  readonly date1904: boolean;
  /** Share of the file read so far, 0…1. */
  progress(): number;
  /** The parsed rows in batches of `batchSize` (the last one may be shorter); file-level issues go to the listener. */
  batches(request: FeedRequest, listener: ParseListener): AsyncGenerator<ParsedRow[]>;
  close(): Promise<void>;
}

export interface FeedOptions {
  spec: AnnexSpec;
  displayName: string;
  maxBytes: number;
  /**
   * Parse in a worker thread; default (`auto`): when the file has at least {@link PARSE_WORKER_MIN_BYTES}
   * and the machine at least {@link PARSE_WORKER_MIN_CORES} cores for the database written to.
   */
  threaded?: boolean;
  /** The database the rows go to (`auto` weighs it); default mysql. */
  database?: 'sqlite' | 'mysql';
}

/** Opens the file (refusing what cannot be read, as {@link openWorkbook} does) and returns its feed. */
export async function openRowFeed(file: string, options: FeedOptions): Promise<RowFeed> {
  let threaded = options.threaded;
  if (threaded === undefined) {
    try {
      threaded = fs.statSync(file).size >= PARSE_WORKER_MIN_BYTES && os.availableParallelism() >= PARSE_WORKER_MIN_CORES[options.database ?? 'mysql'];
    } catch {
      threaded = false; // openWorkbook says what is wrong with the path
    }
  }
  return threaded ? openThreaded(file, options) : openInProcess(file, options);
}

const labelRows = (rows: readonly LabelRow[]): LabelRow[] => rows.map((r) => ({ code: r.code, name: r.name, aliases: [...r.aliases] }));

async function openInProcess(file: string, options: FeedOptions): Promise<RowFeed> {
  const source = await openWorkbook(file, { displayName: options.displayName, maxBytes: options.maxBytes });
  return {
    threaded: false,
    date1904: source.date1904,
    progress: () => source.progress(),
    async *batches(request, listener) {
      const parser = new AnnexParser(options.spec, {
        tiers: request.tiers, managementLevels: request.managementLevels, checkpoint: request.checkpoint, mappings: new MappingSet(options.spec.annex, request.mappings),
      });
      let batch: ParsedRow[] = [];
      for await (const row of parser.parse(source, listener)) {
        batch.push(row);
        if (batch.length >= request.batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    close: () => source.close(),
  };
}

/**
 * The worker's entry: the compiled `parse-worker.js` beside this file (dist/), or, when running from the
 * TypeScript sources (jest), `parse-worker.ts` compiled module by module by TypeScript in the worker.
 */
function spawn(start: WorkerStart): Worker {
  const compiled = path.join(__dirname, 'parse-worker.js');
  // A young generation of 16 MB: the worker's rows are posted away batch by batch, so its garbage dies young
  // (the default let the thread's peak RSS grow ~15 MB more, at the same speed).
  const resourceLimits = { maxYoungGenerationSizeMb: 16 };
  if (fs.existsSync(compiled)) return new Worker(compiled, { workerData: start, resourceLimits });
  const entry = path.join(__dirname, 'parse-worker.ts');
  const bootstrap = `
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const fs = require('node:fs');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, inlineSourceMap: true };
    require.extensions['.ts'] = (module, filename) => module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions }).outputText, filename);
    require(${JSON.stringify(require.resolve('reflect-metadata'))});
    require(${JSON.stringify(entry)});
  `;
  return new Worker(bootstrap, { eval: true, workerData: start, resourceLimits });
}

/** The worker's messages in order; a failure (the worker threw or died) rejects the next read. */
class Inbox {
  private readonly queue: FromWorker[] = [];
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  finished = false;

  constructor(worker: Worker, displayName: string) {
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'done' || m.t === 'error') this.finished = true;
      if (this.waiting) {
        this.waiting.resolve(m);
        this.waiting = null;
      } else this.queue.push(m);
    });
    const fail = (e: Error) => {
      if (this.finished || this.failure) return;
      this.failure = e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    worker.on('error', (e) => fail(new Error(`${displayName}: ${say(`读取文件的线程出错（${e.message}）；未导入任何内容`, `the file reader failed (${e.message}); nothing was imported`)}`)));
    worker.on('exit', (code) => fail(new Error(`${displayName}: ${say(`读取文件的线程已停止（退出码 ${code}）；未导入任何内容`, `the file reader stopped (exit code ${code}); nothing was imported`)}`)));
  }

  next(): Promise<FromWorker> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}

function workerError(m: Extract<FromWorker, { t: 'error' }>): Error {
  if (m.code) return new ImportFileError(m.code as ImportCode, m.message);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

function reviveLayout(spec: AnnexSpec, w: WireLayout): SheetLayout {
  const byKeySpec = new Map<string, ColumnSpec>(spec.columns.map((c) => [c.key, c]));
  const column = (c: WireColumn): MatchedColumn => ({ spec: byKeySpec.get(c.key)!, col: c.col, label: c.label, scale: c.scale, ...(c.mapping ? { mapping: c.mapping } : {}) });
  const columns = w.columns.map(column);
  return {
    sheet: w.sheet, headerRows: w.headerRows, dataStart: w.dataStart, labels: w.labels, unknown: w.unknown, columns,
    duplicates: w.duplicates.map((d) => ({ col: d.col, label: d.label, first: columns.find((c) => c.col === d.first.col) ?? column(d.first) })),
    byKey: new Map(columns.map((c) => [c.spec.key, c])),
  };
}

/** DateSerial and CellError lose their classes on the way: give them back. */
function reviveCells(cells: CellValue[]): CellValue[] {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as unknown;
    if (c !== null && typeof c === 'object' && !(c instanceof DateSerial) && !(c instanceof CellError)) {
      cells[i] = 'serial' in c ? new DateSerial((c as { serial: number }).serial) : new CellError((c as { text: string }).text);
    }
  }
  return cells;
}

async function openThreaded(file: string, options: FeedOptions): Promise<RowFeed> {
  const worker = spawn({ file, displayName: options.displayName, maxBytes: options.maxBytes, annex: options.spec.annex, language: language() });
  const inbox = new Inbox(worker, options.displayName);
  const send = (m: ToWorker) => worker.postMessage(m);
  let progress = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };
  let date1904: boolean;
  try {
    const first = await inbox.next();
    if (first.t === 'error') throw workerError(first);
    if (first.t !== 'open') throw new Error(`parse worker: unexpected ${first.t}`);
    date1904 = first.date1904;
  } catch (e) {
    await close();
    throw e;
  }
  return {
    threaded: true,
    date1904,
    progress: () => progress,
    async *batches(request, listener) {
      send({
        t: 'parse',
        request: { tiers: labelRows(request.tiers), managementLevels: labelRows(request.managementLevels), mappings: [...request.mappings], deadline: request.deadline, batchSize: request.batchSize },
      });
      const layouts: SheetLayout[] = [];
      for (;;) {
        const m = await inbox.next();
        switch (m.t) {
          case 'sheet': {
            const layout = reviveLayout(options.spec, m.layout);
            layouts[m.layout.index] = layout;
            listener.sheet?.(layout);
            break;
          }
          case 'issue':
            listener.issue(m.severity, m.issue);
            break;
          case 'mappings':
            listener.mappings?.(m.applied);
            break;
          case 'rows': {
            progress = m.progress;
            // Taken: the worker may parse one more batch ahead.
            send({ t: 'ack' });
            yield m.rows.map(([sheet, row, values, errors, raw]) => {
              const layout = layouts[sheet];
              return { sheet: layout.sheet, row, values, errors, raw: reviveCells(raw), layout };
            });
            break;
          }
          case 'done':
            progress = m.progress;
            return;
          case 'error':
            if (m.code && m.message === TIME_LIMIT_SIGNAL) request.checkpoint();
            throw workerError(m);
          case 'open':
            throw new Error('parse worker: opened twice');
        }
      }
    },
    close,
  };
}
