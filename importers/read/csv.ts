/**
 * Streaming CSV reader. Chinese Excel saves CSV in GBK by default, and a UTF-8 CSV only opens right in
 * Excel with a BOM, so both arrive: the encoding is taken from a BOM, else UTF-8 when the bytes are
 * valid UTF-8, else GB18030 (a superset of GBK and GB2312) unless chardet is sure of Big5.
 * The delimiter (comma, tab, semicolon) is taken from the first lines.
 */
import { say } from '../../src/common/messages';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import chardet from 'chardet';
import { parse } from 'csv-parse';
import { ImportCode, ImportFileError } from './issues';
import type { RawRow, WorkbookSource } from './source';
import { FORMULA_PREFIX } from '../../src/modules/reports/cell-values';

const SAMPLE = 64 * 1024;

export function detectEncoding(sample: Buffer): { encoding: string; bomLength: number } {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf8', bomLength: 3 };
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf16be', bomLength: 2 };
  try {
    // `stream: true` tolerates a character cut in half at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf8', bomLength: 0 };
  } catch {
    // not UTF-8
  }
  const guess = chardet.analyse(sample)[0];
  if (guess && /big5/i.test(guess.name) && guess.confidence >= 90) return { encoding: 'big5', bomLength: 0 };
  return { encoding: 'gb18030', bomLength: 0 };
}

function detectDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 10);
  let best = ',';
  let bestScore = 0;
  for (const d of [',', '\t', ';', '|']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const score = counts.filter((c) => c > 0).length * 1000 + Math.min(...(counts.length ? counts : [0]));
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Opens a CSV file for streaming; the sheet is named after the file, as Excel names it. */
export async function openCsv(file: string, displayName: string, size: number): Promise<WorkbookSource> {
  const fh = await fs.promises.open(file, 'r');
  const sample = Buffer.alloc(Math.min(size, SAMPLE));
  await fh.read(sample, 0, sample.length, 0);
  await fh.close();
  const { encoding, bomLength } = detectEncoding(sample);
  const decodedSample = iconv.decode(sample.subarray(bomLength), encoding);
  const delimiter = detectDelimiter(decodedSample);
  const counter = new ByteCounter();
  let input: fs.ReadStream | undefined;
  const label = { utf8: 'UTF-8', utf16le: 'UTF-16', utf16be: 'UTF-16', gb18030: 'GBK/GB18030', big5: 'Big5' }[encoding] ?? encoding;
  const delimiterName = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' }[delimiter] ?? delimiter;
  return {
    format: 'csv',
    description: `CSV (${label}${bomLength ? ' with BOM' : ''}, ${delimiterName}-separated)`,
    date1904: false,
    progress: () => Math.min(1, counter.bytes / Math.max(1, size)),
    close: async () => {
      input?.destroy();
    },
    sheets: async function* () {
      input = fs.createReadStream(file, { start: bomLength, highWaterMark: 256 * 1024 });
      const parser = input
        .pipe(counter)
        .pipe(iconv.decodeStream(encoding))
        .pipe(parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true, max_record_size: 1_000_000 }));
      const name = path.basename(displayName).replace(/\.(csv|txt|tsv)$/i, '');
      yield { name, hidden: false, rows: records(parser, displayName) };
    },
  };
}

async function* records(parser: AsyncIterable<string[]>, displayName: string): AsyncGenerator<RawRow> {
  let n = 0;
  try {
    for await (const record of parser) {
      n++;
      yield { number: n, cells: record.map((v) => (v === '' ? null : unguard(v))) };
    }
  } catch (e) {
    throw new ImportFileError(ImportCode.CORRUPT_FILE, say(`${displayName}：第 ${n + 1} 行无法按 CSV 读取（${(e as Error).message.split('\n')[0]}）`, `${displayName}: cannot read line ${n + 1} as CSV (${(e as Error).message.split('\n')[0]})`));
  }
}

/**
 * Text our CSV exports (and other careful writers) guard against formula injection with a leading `'`
 * (`csvText`: `'=1+2`) reads back as it was written, so export → import is a no-op. Excel itself never
 * writes such an apostrophe into a CSV field.
 */
function unguard(v: string): string {
  return v.charCodeAt(0) === 0x27 && FORMULA_PREFIX.test(v.slice(1)) ? v.slice(1) : v;
}
