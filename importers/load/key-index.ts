/**
 * In-file duplicate detection that stays small at a million rows: each natural key is kept as a 64-bit
 * hash (two 32-bit FNV-1a variants) in an open-addressing table of typed arrays, with where it was first
 * seen — 12 bytes a slot. A false duplicate needs a 64-bit collision (≈ 2·10⁻⁷ among a million rows' three
 * million keys; 48 bits would be 2·10⁻²).
 *
 * Where a key was seen is one number, its position: keys arrive in file order, sheet after sheet, and each
 * run of one sheet's rows gets a base above every position before it (position = base + row), so the
 * sheet and row come back from the position by the runs' bases. Position 0 marks an empty slot.
 *
 * The table is any size (a hash is mapped onto it by multiplication, not by a mask): {@link reserve} sizes it
 * once for the keys a file is expected to hold, so a large file does not grow it by doubling — each growth
 * holds the old table and the new one at once, 1.5 times the final size.
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

  /** Slots a table for `keys` keys gets: seven in ten used (linear probing stays short), room to grow by a seventh before it must. */
  private static slotsFor(keys: number): number {
    return Math.ceil(keys / 0.7);
  }

  /** The table's size, in slots (12 bytes each). */
  get slots(): number {
    return this.positions.length;
  }

  /** Makes room for `keys` keys in all (those held included), at once: a table sized for a file from its first rows. */
  reserve(keys: number): void {
    if (keys * 5 > this.positions.length * 4) this.rebuild(KeyIndex.slotsFor(keys));
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
    // Grown (doubled) past four fifths full: a million rows' three keys, reserved for, fill 4.3M slots, 51 MB.
    if (++this.size * 5 > this.positions.length * 4) this.rebuild(this.positions.length * 2);
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

  /** The slot a hash starts probing at: the hash's 32 bits scaled onto the table (Lemire's fast range). */
  private static home(h1: number, h2: number, slots: number): number {
    return Math.floor(((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 0) * (slots / 4294967296));
  }

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
    const slots = this.positions.length;
    let i = KeyIndex.home(h1, h2, slots);
    while (this.positions[i] !== 0) {
      if (this.lo[i] === h2 && this.hi[i] === h1) return i;
      if (++i === slots) i = 0;
    }
    return i;
  }

  private rebuild(slots: number): void {
    const { hi, lo, positions } = this;
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.positions = new Int32Array(slots);
    for (let j = 0; j < positions.length; j++) {
      if (positions[j] === 0) continue;
      let i = KeyIndex.home(hi[j], lo[j], slots);
      while (this.positions[i] !== 0) if (++i === slots) i = 0;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.positions[i] = positions[j];
    }
  }
}
