/**
 * The parse worker's entry (worker_threads): opens the annex file and runs {@link AnnexParser} on it,
 * posting batches of parsed rows to the importer, which writes them on the main thread meanwhile. At
 * most {@link AHEAD} batches are unacknowledged: the worker waits for the importer to take one before it
 * parses further (backpressure keeps memory flat however large the file). The protocol and the main
 * thread's side are in `row-feed.ts`; nothing here touches the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HeapGuard } from '../../src/common/heap';
import { setLanguage } from '../../src/common/messages';
import { ANNEXES } from '../annexes';
import { ImportCode, ImportFileError, type IssueData } from './issues';
import { MappingSet, type AppliedMapping } from './mappings';
import { openWorkbook } from './open';
import { AnnexParser, type SheetLayout } from './parser';
import { AHEAD, TIME_LIMIT_SIGNAL, type FromWorker, type ParseRequest, type ToWorker, type WireLayout, type WireRow, type WorkerStart } from './row-feed-protocol';

const port = parentPort!;
const start = workerData as WorkerStart;
const post = (m: FromWorker) => port.postMessage(m);

let acked = 0;
let wake: (() => void) | null = null;
let request: ((r: ParseRequest) => void) | null = null;

port.on('message', (m: ToWorker) => {
  if (m.t === 'ack') {
    acked++;
    wake?.();
    wake = null;
  } else if (m.t === 'parse') request?.(m.request);
});

function wireLayout(layout: SheetLayout, index: number): WireLayout {
  const col = (c: SheetLayout['columns'][number]) => ({ key: c.spec.key, col: c.col, label: c.label, scale: c.scale, ...(c.mapping ? { mapping: c.mapping } : {}) });
  return {
    index, sheet: layout.sheet, headerRows: layout.headerRows, dataStart: layout.dataStart, labels: layout.labels, unknown: layout.unknown,
    columns: layout.columns.map(col), duplicates: layout.duplicates.map((d) => ({ col: d.col, label: d.label, first: col(d.first) })),
  };
}

async function run(): Promise<void> {
  setLanguage(start.language);
  const spec = ANNEXES[start.annex];
  const source = await openWorkbook(start.file, { displayName: start.displayName, maxBytes: start.maxBytes });
  try {
    post({ t: 'open', date1904: source.date1904 });
    const req = await new Promise<ParseRequest>((resolve) => (request = resolve));
    const parser = new AnnexParser(spec, {
      tiers: req.tiers,
      managementLevels: req.managementLevels,
      mappings: new MappingSet(spec.annex, req.mappings),
      checkpoint: () => {
        // The importer words the message (it knows how many rows it has taken).
        if (Date.now() > req.deadline) throw new ImportFileError(ImportCode.TIME_LIMIT, TIME_LIMIT_SIGNAL);
      },
    });
    const layouts = new Map<SheetLayout, number>();
    let rows: WireRow[] = [];
    let sent = 0;
    // Posted rows are garbage here once cloned: collected as the parse goes (see HeapGuard).
    const heap = new HeapGuard(16 * 1024 * 1024);
    const flush = async () => {
      if (!rows.length) return;
      post({ t: 'rows', rows, progress: source.progress() });
      rows = [];
      sent++;
      heap.check();
      while (sent - acked >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
    };
    const listener = {
      issue: (severity: 'error' | 'warning', issue: IssueData) => post({ t: 'issue', severity, issue }),
      sheet: (layout: SheetLayout) => {
        layouts.set(layout, layouts.size);
        post({ t: 'sheet', layout: wireLayout(layout, layouts.size - 1) });
      },
      mappings: (applied: AppliedMapping[]) => post({ t: 'mappings', applied }),
    };
    for await (const row of parser.parse(source, listener)) {
      rows.push([layouts.get(row.layout)!, row.row, row.values, row.errors, row.raw]);
      if (rows.length >= req.batchSize) await flush();
    }
    await flush();
    post({ t: 'done', progress: source.progress() });
  } finally {
    await source.close();
  }
}

run().catch((e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ t: 'error', name: err.name, message: err.message, code: e instanceof ImportFileError ? e.code : null, stack: err.stack ?? null });
});
