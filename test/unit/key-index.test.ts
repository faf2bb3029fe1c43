import fs from 'node:fs';
import os from 'node:os';
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
    const reserved = index.capacity;
    expect(reserved).toBeGreaterThanOrEqual(100_000);
    expect(reserved).toBeLessThan(100_000 * 1.2);
    let fresh = 0;
    for (let i = 1000; i < 100_000; i++) if (index.seen(`c:KA${i}`, '档案', i + 3) === null) fresh++;
    expect(fresh).toBe(99_000);
    // Reserved for: not rebuilt on the way, and a smaller reservation changes nothing.
    expect(index.capacity).toBe(reserved);
    index.reserve(50_000);
    expect(index.capacity).toBe(reserved);
    for (let i = 0; i < 100_000; i += 101) expect(index.find(`c:KA${i}`)).toEqual({ sheet: '档案', row: i + 3 });
    // Past what was reserved (the estimate was low), it grows.
    fresh = 0;
    for (let i = 100_000; i < 120_000; i++) if (index.seen(`c:KA${i}`, '档案', i + 3) === null) fresh++;
    expect(fresh).toBe(20_000);
    expect(index.capacity).toBeGreaterThan(reserved);
    for (let i = 0; i < 120_000; i += 97) expect(index.seen(`c:KA${i}`, '其他', 1)).toEqual({ sheet: '档案', row: i + 3 });
  });

  it('keeps a large file\'s keys in a temporary file, unlinked at once and closed at the end, and reads it only for the few keys its filter lets through', () => {
    const before = new Set(fs.readdirSync(os.tmpdir()));
    const index = new KeyIndex();
    const n = 600_000;
    index.reserve(n);
    let fresh = 0;
    for (let i = 0; i < n; i++) if (index.seen(`r:91110105${i}X`, '档案', i + 3) === null) fresh++;
    expect(fresh).toBe(n);
    // New keys, each one checked: the filter let through about one in a thousand (sixteen bits a key).
    expect(index.lookups).toBeLessThan(n / 200);
    const file = (index as unknown as { file: { fd: number; blocks: number } | null }).file;
    expect(file).not.toBeNull();
    // Most records are in the file (256 a block); what stays in memory is one block a partition at most.
    expect(file!.blocks * 256).toBeGreaterThan(n - 1024 * 256);
    // Nothing left in the temporary folder, even while the file is open.
    expect([...fs.readdirSync(os.tmpdir())].filter((f) => f.startsWith('kam-keys-') && !before.has(f))).toEqual([]);
    // Every key is found where it was, whether its record was written out or is still in memory.
    const lookups = index.lookups;
    const misplaced: number[] = [];
    for (let i = 0; i < n; i += 7) {
      const at = index.find(`r:91110105${i}X`);
      if (at?.sheet !== '档案' || at.row !== i + 3) misplaced.push(i);
    }
    expect(misplaced).toEqual([]);
    expect(index.lookups - lookups).toBe(Math.ceil(n / 7));
    expect(index.seen(`r:91110105${n - 1}X`, '其他', 1)).toEqual({ sheet: '档案', row: n + 2 });
    expect(index.find(`r:91110105${n}X`)).toBeNull();
    index.close();
    expect(() => fs.fstatSync(file!.fd)).toThrow(/EBADF/);
    index.close();
  });

  it('makes no file for a small one', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 10_000; i++) index.seen(`c:KA${i}`, '档案', i + 3);
    expect((index as unknown as { file: unknown }).file).toBeNull();
    expect(index.find('c:KA9999')).toEqual({ sheet: '档案', row: 10_002 });
    index.close();
  });

  it('says in one line why it cannot make its temporary file', () => {
    const tmpdir = jest.spyOn(os, 'tmpdir').mockReturnValue('/nonexistent/kam-tmp');
    try {
      const index = new KeyIndex();
      expect(() => {
        for (let i = 0; i < 400_000; i++) index.seen(`c:KA${i}`, '档案', i + 3);
      }).toThrow(/^导入无法在临时目录 \/nonexistent\/kam-tmp 中建立临时文件：ENOENT/);
    } finally {
      tmpdir.mockRestore();
    }
  });
});
