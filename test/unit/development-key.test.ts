/** Development without KAM_DATA_KEYS: a key generated once beside the database, kept, owner-only. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyRingFor } from '../../src/common/field-crypto';
import { parseDatabaseUrl } from '../../src/config';
import { developmentKeyFile, developmentKeyRing } from '../../src/modules/privacy/development-key';

describe('the generated development key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-devkey-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = parseDatabaseUrl(`sqlite:${path.join(dir, 'sub', 'kam.sqlite')}`);

  it('is generated once beside the SQLite database, readable by its owner only, and used again at the next start', () => {
    const first = developmentKeyRing(db);
    const file = path.join(dir, 'sub', 'kam.sqlite.data-key');
    expect([first.developmentKeyFile, first.development, first.activeKeyId]).toEqual([file, true, 'local']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const sealed = first.seal('13812345678', 'contacts|u1|mobile');
    expect(sealed).toMatch(/^enc:v1:local:/);
    // The next start reads the same key: what the first wrote still opens.
    expect(developmentKeyRing(db).open(sealed, 'contacts|u1|mobile', 'mobile')).toBe('13812345678');
    // Another database gets another key.
    const other = developmentKeyRing(parseDatabaseUrl(`sqlite:${path.join(dir, 'other.sqlite')}`));
    expect(() => other.open(sealed, 'contacts|u1|mobile', 'mobile')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
  });

  it('still opens what was written with the public development key, and encrypts only with the generated one', () => {
    const old = keyRingFor(undefined).seal('上海市徐汇区', 'contacts|u2|homeAddress');
    const ring = developmentKeyRing(db);
    expect(ring.open(old, 'contacts|u2|homeAddress', 'homeAddress')).toBe('上海市徐汇区');
    expect(ring.keyIds).toEqual(['dev', 'local']);
  });

  it('lives in the user\'s state folder for a MySQL database, whatever folder kam runs in, and only in memory for an in-memory one', () => {
    const cwd = process.cwd();
    const file = developmentKeyFile(parseDatabaseUrl('mysql://root@127.0.0.1:3306/kam'));
    expect(file).toBe(path.join(os.homedir(), '.local', 'state', 'kam-hub', '127.0.0.1-3306-kam.data-key'));
    process.chdir(dir);
    try {
      expect(developmentKeyFile(parseDatabaseUrl('mysql://root@127.0.0.1:3306/kam'))).toBe(file);
      // A relative SQLite path names one file; its key is beside it, not in the folder kam runs in.
      expect(developmentKeyFile(parseDatabaseUrl('sqlite:db/kam.sqlite'))).toBe(path.join(dir, 'db', 'kam.sqlite.data-key'));
    } finally {
      process.chdir(cwd);
    }
    expect(developmentKeyFile(parseDatabaseUrl('mysql://root@10.0.0.5:3307/kam'))).not.toBe(file);
    const memory = developmentKeyRing(parseDatabaseUrl('sqlite::memory:'));
    expect([memory.developmentKeyFile, memory.activeKeyId]).toEqual([null, 'local']);
  });
});
