/**
 * In-file duplicate detection that stays small at a million rows: each natural key is kept as a 64-bit
 * hash (two 32-bit FNV-1a variants) in an open-addressing table of typed arrays, with the sheet and row
 * where it was first seen. A false duplicate needs a 64-bit collision (≈ 3·10⁻⁸ at a million keys).
 */
export class KeyIndex {
  private hi: Int32Array;
  private lo: Int32Array;
  private rows: Int32Array;
  private sheets: Uint16Array;
  private size = 0;
  private readonly sheetNames: string[] = [];

  constructor(capacity = 1 << 12) {
    this.hi = new Int32Array(capacity);
    this.lo = new Int32Array(capacity);
    this.rows = new Int32Array(capacity).fill(-1);
    this.sheets = new Uint16Array(capacity);
  }

  /** Records `key` at sheet/row; returns where it was first seen when it is already there. */
  seen(key: string, sheet: string, row: number): { sheet: string; row: number } | null {
    const i = this.probe(key);
    if (this.rows[i] !== -1) return { sheet: this.sheetNames[this.sheets[i]], row: this.rows[i] };
    let s = this.sheetNames.indexOf(sheet);
    if (s < 0) s = this.sheetNames.push(sheet) - 1;
    this.hi[i] = this.h1;
    this.lo[i] = this.h2;
    this.rows[i] = row;
    this.sheets[i] = s;
    // Grown past three quarters full (linear probing stays short there): a million rows' three keys fit 4M slots, 56 MB.
    if (++this.size * 4 > this.rows.length * 3) this.grow();
    return null;
  }

  /** Where `key` was first seen, without recording it. */
  find(key: string): { sheet: string; row: number } | null {
    const i = this.probe(key);
    return this.rows[i] === -1 ? null : { sheet: this.sheetNames[this.sheets[i]], row: this.rows[i] };
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
    const mask = this.rows.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
    while (this.rows[i] !== -1) {
      if (this.hi[i] === h1 && this.lo[i] === h2) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  private grow(): void {
    const { hi, lo, rows, sheets } = this;
    const cap = rows.length * 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.rows = new Int32Array(cap).fill(-1);
    this.sheets = new Uint16Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < rows.length; j++) {
      if (rows[j] === -1) continue;
      let i = (hi[j] ^ Math.imul(lo[j], 0x9e3779b1)) & mask;
      while (this.rows[i] !== -1) i = (i + 1) & mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.rows[i] = rows[j];
      this.sheets[i] = sheets[j];
    }
  }
}
