import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { say } from '../../src/common/messages';

/** Partitions of the key records: a lookup the filter lets through reads one, a 1/1024th of them. */
const PARTITIONS = 1024;
/** Records a partition holds in memory before they are written out together, as one block of the file. */
const PER_BLOCK = 256;
/** A record: the key's two 32-bit hashes and where it was first seen. */
const RECORD = 3;
const BLOCK_INTS = PER_BLOCK * RECORD;
const BLOCK_BYTES = BLOCK_INTS * 4;
/** The filter's bits a key (sixteen; eight of them set in one 512-bit block: about one key in a thousand is let through wrongly). */
const BITS_PER_KEY = 16;
const BLOCK_WORDS = 16;

/** Closes the file of an index nobody closed (a loader that failed before its import's end). */
const unclosed = new FinalizationRegistry<number>((fd) => fs.close(fd, () => undefined));

/**
 * In-file duplicate detection whose memory grows by two bytes a key, not seventeen: each natural key is
 * kept as a 64-bit hash (two 32-bit FNV-1a variants) with where it was first seen — a 12-byte record,
 * written to a temporary file once its partition has 256 of them — and in memory stay only a blocked
 * Bloom filter (two bytes a key) and a 3 MB buffer of the records not yet written. A key the filter has
 * never had is new at once; one it may have had (the key itself, or fewer than one in a thousand others:
 * one in 2,400 measured) is looked up in its partition's records. A false duplicate needs a 64-bit
 * collision (≈ 2·10⁻⁷ among a million rows' three million keys), as when the records were all in memory;
 * a million rows' keys take 9 MB here instead of the 51 MB an in-memory table of them took, and a file
 * under some 200,000 keys writes nothing. The file is unlinked as soon as it is made: it goes with the
 * process whatever happens.
 *
 * Where a key was seen is one number, its position: keys arrive in file order, sheet after sheet, and each
 * run of one sheet's rows gets a base above every position before it (position = base + row), so the
 * sheet and row come back from the position by the runs' bases. No position is 0 (0 means: not held).
 *
 * The filter is sized for the keys a file is expected to hold ({@link reserve}, told from its first rows);
 * past that it is rebuilt twice as large from the records, so a low estimate costs one read of the file.
 */
export class KeyIndex {
  private bloom: Int32Array;
  private bloomBlocks: number;
  private sizedFor: number;
  private size = 0;
  /** Each partition's records not yet written, PER_BLOCK a partition. */
  private readonly pending = new Int32Array(PARTITIONS * BLOCK_INTS);
  private readonly filled = new Uint16Array(PARTITIONS);
  /** Each partition's blocks in the file, by number (block n lies at n × BLOCK_BYTES). */
  private readonly written: number[][] = Array.from({ length: PARTITIONS }, () => []);
  /** The temporary file, once a block is written; `dir` when its folder could not be removed while it was open (it is at close). */
  private file: { fd: number; blocks: number; dir: string | null } | null = null;
  private readonly scratch = new Int32Array(BLOCK_INTS);
  /** Runs of one sheet's rows, in file order: the sheet and the base its positions lie above. */
  private readonly runs: { sheet: string; base: number }[] = [];
  private highest = 0;
  /** Lookups the filter let through (the key held, or a false positive): each read its partition. */
  lookups = 0;

  constructor(keys = 1 << 12) {
    this.sizedFor = keys;
    this.bloomBlocks = KeyIndex.blocksFor(keys);
    this.bloom = new Int32Array(this.bloomBlocks * BLOCK_WORDS);
  }

  /** The filter's 512-bit blocks for `keys` keys at sixteen bits a key. */
  private static blocksFor(keys: number): number {
    return Math.max(1, Math.ceil((keys * BITS_PER_KEY) / (BLOCK_WORDS * 32)));
  }

  /** The keys the filter is sized for: past them it is rebuilt, twice as large. */
  get capacity(): number {
    return this.sizedFor;
  }

  /** Sizes the filter for `keys` keys in all (those held included), at once: for a file from its first rows, with room to grow by a seventh. */
  reserve(keys: number): void {
    if (keys > this.sizedFor) this.rebuild(Math.ceil((keys * 8) / 7));
  }

  /** Records `key` at sheet/row; returns where it was first seen when it is already there. */
  seen(key: string, sheet: string, row: number): { sheet: string; row: number } | null {
    const held = this.lookup(key);
    if (held !== 0) return this.where(held);
    const run = this.runs[this.runs.length - 1];
    const base = run?.sheet === sheet ? run.base : this.startRun(sheet);
    const position = base + Math.max(1, row);
    // (past 2³¹ only after some 2,000 sheets of a million rows each)
    if (position > 0x7fffffff) throw new RangeError(`the in-file index holds positions up to 2^31: sheet "${sheet}" row ${row} is past it`);
    if (position > this.highest) this.highest = position;
    this.add(this.h1, this.h2, position);
    if (++this.size > this.sizedFor) this.rebuild(this.sizedFor * 2);
    return null;
  }

  /** Where `key` was first seen, without recording it. */
  find(key: string): { sheet: string; row: number } | null {
    const held = this.lookup(key);
    return held === 0 ? null : this.where(held);
  }

  /** Closes the temporary file (if one was needed). The index is not used after. */
  close(): void {
    if (!this.file) return;
    unclosed.unregister(this);
    const { fd, dir } = this.file;
    this.file = null;
    fs.closeSync(fd);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }

  private startRun(sheet: string): number {
    this.runs.push({ sheet, base: this.highest });
    return this.highest;
  }

  /** The sheet and row of a position: the last run whose base lies below it. */
  private where(position: number): { sheet: string; row: number } {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid].base < position) lo = mid;
      else hi = mid - 1;
    }
    const run = this.runs[lo];
    return { sheet: run.sheet, row: position - run.base };
  }

  private h1 = 0;
  private h2 = 0;

  /** Where `key` was first seen as a position, 0 when it is new (its hash is left in h1/h2). */
  private lookup(key: string): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 |= 0;
    h2 |= 0;
    this.h1 = h1;
    this.h2 = h2;
    if (!this.mayHold(h1, h2)) return 0;
    this.lookups++;
    return this.positionOf(h1, h2);
  }

  /** The filter's block for a hash (its 32 mixed bits scaled onto the blocks, Lemire's fast range), as the index of its first word. */
  private blockOf(h1: number, h2: number): number {
    return Math.floor(((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 0) * (this.bloomBlocks / 4294967296)) * BLOCK_WORDS;
  }

  /** Whether the filter may hold the hash: its eight bits in the block (a + j·b, j = 0…7, of 512) all set. */
  private mayHold(h1: number, h2: number): boolean {
    const block = this.blockOf(h1, h2);
    const a = h1 & 511;
    const b = ((h1 >>> 9) & 511) | 1;
    for (let j = 0, bit = a; j < 8; j++, bit = (bit + b) & 511) {
      if ((this.bloom[block + (bit >>> 5)] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Sets the hash's eight bits in its block (as {@link mayHold} reads them). */
  private setBits(h1: number, h2: number): void {
    const block = this.blockOf(h1, h2);
    const a = h1 & 511;
    const b = ((h1 >>> 9) & 511) | 1;
    for (let j = 0, bit = a; j < 8; j++, bit = (bit + b) & 511) this.bloom[block + (bit >>> 5)] |= 1 << (bit & 31);
  }

  /** A hash's partition: h2's top ten bits. */
  private static partitionOf(h2: number): number {
    return h2 >>> 22;
  }

  /** The position recorded with the hash, 0 when none is: the partition's records in memory, then its blocks in the file. */
  private positionOf(h1: number, h2: number): number {
    const p = KeyIndex.partitionOf(h2);
    const start = p * BLOCK_INTS;
    const found = KeyIndex.scan(this.pending, start, start + this.filled[p] * RECORD, h1, h2);
    if (found !== 0 || !this.file) return found;
    for (const block of this.written[p]) {
      this.readBlock(block);
      const inBlock = KeyIndex.scan(this.scratch, 0, BLOCK_INTS, h1, h2);
      if (inBlock !== 0) return inBlock;
    }
    return 0;
  }

  /** The position of the record with the hash among `records[from, to)`, 0 when none has it. */
  private static scan(records: Int32Array, from: number, to: number, h1: number, h2: number): number {
    for (let i = from; i < to; i += RECORD) if (records[i + 1] === h2 && records[i] === h1) return records[i + 2];
    return 0;
  }

  /** Records a new hash: into the filter, and into its partition's block, which is written out once full. */
  private add(h1: number, h2: number, position: number): void {
    this.setBits(h1, h2);
    const p = KeyIndex.partitionOf(h2);
    const at = p * BLOCK_INTS + this.filled[p] * RECORD;
    this.pending[at] = h1;
    this.pending[at + 1] = h2;
    this.pending[at + 2] = position;
    if (++this.filled[p] < PER_BLOCK) return;
    const file = this.file ?? this.open();
    const start = p * BLOCK_INTS;
    const bytes = new Uint8Array(this.pending.buffer, start * 4, BLOCK_BYTES);
    let done = 0;
    try {
      while (done < BLOCK_BYTES) done += fs.writeSync(file.fd, bytes, done, BLOCK_BYTES - done, file.blocks * BLOCK_BYTES + done);
    } catch (e) {
      throw new Error(say(`导入无法写入临时目录 ${os.tmpdir()} 中的临时文件：${(e as Error).message}`, `the import could not write its temporary file in ${os.tmpdir()}: ${(e as Error).message}`), { cause: e });
    }
    this.written[p].push(file.blocks++);
    this.filled[p] = 0;
  }

  /** Reads block `block` of the file into `scratch`. */
  private readBlock(block: number): void {
    const bytes = new Uint8Array(this.scratch.buffer);
    let done = 0;
    while (done < BLOCK_BYTES) {
      const n = fs.readSync(this.file!.fd, bytes, done, BLOCK_BYTES - done, block * BLOCK_BYTES + done);
      if (n === 0) throw new Error(`the in-file index's temporary file ended early (block ${block})`);
      done += n;
    }
  }

  /** A temporary file, unlinked at once (where the system allows: elsewhere at close). */
  private open(): { fd: number; blocks: number; dir: string | null } {
    let dir: string | undefined;
    let fd: number;
    try {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-keys-'));
      fd = fs.openSync(path.join(dir, 'keys'), 'w+', 0o600);
    } catch (e) {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(say(`导入无法在临时目录 ${os.tmpdir()} 中建立临时文件：${(e as Error).message}`, `the import could not make its temporary file in ${os.tmpdir()}: ${(e as Error).message}`), { cause: e });
    }
    let kept: string | null = null;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      kept = dir; // (Windows does not remove an open file: removed at close)
    }
    this.file = { fd, blocks: 0, dir: kept };
    unclosed.register(this, fd, this);
    return this.file;
  }

  /** A filter for `keys` keys, refilled from every record held (those written read back block by block). */
  private rebuild(keys: number): void {
    this.sizedFor = keys;
    this.bloomBlocks = KeyIndex.blocksFor(keys);
    this.bloom = new Int32Array(this.bloomBlocks * BLOCK_WORDS);
    for (let p = 0; p < PARTITIONS; p++) {
      const start = p * BLOCK_INTS;
      for (let i = start; i < start + this.filled[p] * RECORD; i += RECORD) this.setBits(this.pending[i], this.pending[i + 1]);
      for (const block of this.written[p]) {
        this.readBlock(block);
        for (let i = 0; i < BLOCK_INTS; i += RECORD) this.setBits(this.scratch[i], this.scratch[i + 1]);
      }
    }
  }
}
