import { KeyIndex } from '../../importers/load/key-index';

describe('KeyIndex (in-file duplicates)', () => {
  it('answers where a key was first seen, across sheets, and nothing for a new key — through many growths', () => {
    const index = new KeyIndex(4);
    const n = 300_000;
    let fresh = 0;
    // Sheet after sheet, 5,000 rows each, the two names taking turns.
    const sheetOf = (i: number) => (Math.floor(i / 5000) % 2 ? '档案' : '汇总');
    for (let i = 0; i < n; i++) if (index.seen(`c:KA${i}`, sheetOf(i), (i % 5000) + 3) === null) fresh++;
    expect(fresh).toBe(n);
    // Every key again: found where it first was; none mistaken for another.
    for (let i = 0; i < n; i += 997) expect(index.seen(`c:KA${i}`, '其他', 1)).toEqual({ sheet: sheetOf(i), row: (i % 5000) + 3 });
    // Keys never seen (the same text under another prefix, or a number past the end) are new.
    expect(index.seen('r:KA5', '档案', 9)).toBeNull();
    expect(index.seen(`c:KA${n}`, '档案', 10)).toBeNull();
    expect(index.seen('r:KA5', '档案', 11)).toEqual({ sheet: '档案', row: 9 });
  });

  it('finds a key without recording it', () => {
    const index = new KeyIndex(4);
    index.seen('nk:甲公司', '档案', 4);
    expect(index.find('nk:甲公司')).toEqual({ sheet: '档案', row: 4 });
    expect(index.find('nk:乙公司')).toBeNull();
    expect(index.find('nk:乙公司')).toBeNull();
    expect(index.seen('nk:乙公司', '档案', 9)).toBeNull();
    expect(index.find('nk:乙公司')).toEqual({ sheet: '档案', row: 9 });
  });

  it('tells sheets and rows apart whatever their order: sheets coming back, rows out of order, rows past Excel\'s last', () => {
    const index = new KeyIndex(4);
    const calls: [string, string, number][] = [
      ['c:A', '汇总', 5], ['c:B', '汇总', 3], ['c:C', '档案', 1], ['c:D', '档案', 2_000_000], ['c:E', '汇总', 2],
      ['c:F', 'Sheet3', 7], ['c:G', '档案', 1], ['c:H', 'data.csv', 5_000_000], ['c:I', 'data.csv', 4], ['c:J', '汇总', 1_048_576],
    ];
    for (const [key, sheet, row] of calls) expect(index.seen(key, sheet, row)).toBeNull();
    for (const [key, sheet, row] of calls) {
      expect(index.find(key)).toEqual({ sheet, row });
      expect(index.seen(key, '其他', 9)).toEqual({ sheet, row });
    }
  });

  it('is sized once for the keys reserved, keeps what it holds when sized, and grows past them', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 1000; i++) index.seen(`c:KA${i}`, '档案', i + 3);
    index.reserve(100_000);
    const reserved = index.slots;
    expect(reserved).toBeGreaterThanOrEqual(100_000 / 0.8);
    expect(reserved).toBeLessThan(100_000 / 0.6);
    let fresh = 0;
    for (let i = 1000; i < 100_000; i++) if (index.seen(`c:KA${i}`, '档案', i + 3) === null) fresh++;
    expect(fresh).toBe(99_000);
    // Reserved for: not rebuilt on the way, and a smaller reservation changes nothing.
    expect(index.slots).toBe(reserved);
    index.reserve(50_000);
    expect(index.slots).toBe(reserved);
    for (let i = 0; i < 100_000; i += 101) expect(index.find(`c:KA${i}`)).toEqual({ sheet: '档案', row: i + 3 });
    // Past what was reserved (the estimate was low), it grows.
    fresh = 0;
    for (let i = 100_000; i < 120_000; i++) if (index.seen(`c:KA${i}`, '档案', i + 3) === null) fresh++;
    expect(fresh).toBe(20_000);
    expect(index.slots).toBeGreaterThan(reserved);
    for (let i = 0; i < 120_000; i += 97) expect(index.seen(`c:KA${i}`, '其他', 1)).toEqual({ sheet: '档案', row: i + 3 });
  });
});
