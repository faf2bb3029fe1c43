/**
 * In-file duplicate detection that stays small at a million rows: each natural key is kept as a 64-bit
 * hash (two 32-bit FNV-1a variants) in an open-addressing table of typed arrays, with where it was first
 * seen — 12 bytes a slot. A false duplicate needs a 64-bit collision (≈ 3·10⁻⁸ at a million keys).
 *
 * Where a key was seen is one number, its position: keys arrive in file order, sheet after sheet, and each
 * run of one sheet's rows gets a base above every position before it (position = base + row), so the
 * sheet and row come back from the position by the runs' bases. Position 0 marks an empty slot.
 */
export class KeyIndex {
  private hi: Int32Array;
  private lo: Int32Array;
  private positions: Int32Array;
  private size = 0;
  /** Runs of one sheet's rows, in file order: the sheet and the base its positions lie above. */
  private readonly runs: { sheet: string; base: number }[] = [];
  private highest = 0;

  constructor(capacity = 1 << 12) {
    this.hi = new Int32Array(capacity);
    this.lo = new Int32Array(capacity);
    this.positions = new Int32Array(capacity);
  }

  /** Records `key` at sheet/row; returns where it was first seen when it is already there. */
  seen(key: string, sheet: string, row: number): { sheet: string; row: number } | null {
    const i = this.probe(key);
    if (this.positions[i] !== 0) return this.where(this.positions[i]);
    const run = this.runs[this.runs.length - 1];
    const base = run?.sheet === sheet ? run.base : this.startRun(sheet);
    const position = base + Math.max(1, row);
    // (past 2³¹ only after some 2,000 sheets of a million rows each)
    if (position > 0x7fffffff) throw new RangeError(`the in-file index holds positions up to 2^31: sheet "${sheet}" row ${row} is past it`);
    if (position > this.highest) this.highest = position;
    this.hi[i] = this.h1;
    this.lo[i] = this.h2;
    this.positions[i] = position;
    // Grown past three quarters full (linear probing stays short there): a million rows' three keys fit 4M slots, 48 MB.
    if (++this.size * 4 > this.positions.length * 3) this.grow();
    return null;
  }

  /** Where `key` was first seen, without recording it. */
  find(key: string): { sheet: string; row: number } | null {
    const i = this.probe(key);
    return this.positions[i] === 0 ? null : this.where(this.positions[i]);
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

  /** The slot holding `key`, or the empty slot where it would go (its hash is left in h1/h2). */
  private probe(key: string): number {
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
    const mask = this.positions.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
    while (this.positions[i] !== 0) {
      if (this.hi[i] === h1 && this.lo[i] === h2) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  private grow(): void {
    const { hi, lo, positions } = this;
    const cap = positions.length * 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.positions = new Int32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < positions.length; j++) {
      if (positions[j] === 0) continue;
      let i = (hi[j] ^ Math.imul(lo[j], 0x9e3779b1)) & mask;
      while (this.positions[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.positions[i] = positions[j];
    }
  }
}
