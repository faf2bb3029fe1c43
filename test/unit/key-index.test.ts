import { KeyIndex } from '../../importers/load/key-index';

describe('KeyIndex (in-file duplicates)', () => {
  it('answers where a key was first seen, across sheets, and nothing for a new key — through many growths', () => {
    const index = new KeyIndex(4);
    const n = 300_000;
    let fresh = 0;
    for (let i = 0; i < n; i++) if (index.seen(`c:KA${i}`, i % 2 ? '档案' : '汇总', i + 3) === null) fresh++;
    expect(fresh).toBe(n);
    // Every key again: found where it first was; none mistaken for another.
    for (let i = 0; i < n; i += 997) expect(index.seen(`c:KA${i}`, '其他', 1)).toEqual({ sheet: i % 2 ? '档案' : '汇总', row: i + 3 });
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
});
