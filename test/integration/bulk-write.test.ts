/**
 * bulkWrite's statements: on MySQL the values are written into the statement (escaped as mysql2 escapes a
 * placeholder's value), on SQLite bound. Whatever a value holds — quotes, backslashes, control
 * characters, question marks, four-byte characters, timestamps with milliseconds, large amounts — it is
 * stored exactly as TypeORM's own insert stores it, and an upsert overwrites as it says.
 */
import { bulkWrite } from '../../src/db/bulk';
import { Account } from '../../src/modules/accounts/account.entity';
import { emptyAccount } from '../../src/modules/accounts/account.service';
import { nameKey } from '../../src/common/text';
import { AccountStatus, RecordSource } from '../../src/common/enums';
import { describeEachDb } from '../support/db';

const AWKWARD = [
  `O'Brien "双引号" 公司`,
  'back\\slash\\\\ and \\0 literal',
  'tab\tnew\nline\rreturn',
  'nul\u0000byte and ctrl-z \u001a and backspace \b',
  'question? marks ?? in ?, ? text',
  '四字节 😀 𠮷 字符',
  "-- comment /* not */ ' OR 1=1 #",
  '',
];

describeEachDb('bulkWrite', (t) => {
  it('stores awkward strings, timestamps, dates and amounts exactly as TypeORM insert does', async () => {
    const { ds } = t();
    const m = ds.manager;
    const at = new Date(Date.UTC(2026, 11, 6, 23, 59, 58, 987));
    const rows = AWKWARD.map((text, i) => ({
      ...emptyAccount(),
      code: `BW${i}`, name: `批量${i} ${text}`, nameKey: nameKey(`批量${i} ${text}`), address: text, notes: text === '' ? null : text,
      registeredOn: `2024-0${(i % 9) + 1}-1${i % 10}`, totalAssetsFen: 1_234_567_890_123 + i, status: AccountStatus.ACTIVE, source: RecordSource.IMPORT, version: 1,
      createdAt: at, updatedAt: new Date(at.getTime() + i),
    }));
    await bulkWrite(m, Account, rows as Partial<Account>[]);
    // The same rows through TypeORM's own insert, under other codes.
    await m.insert(Account, rows.map((r, i) => ({ ...r, code: `TO${i}`, nameKey: `${r.nameKey}-to` })) as Partial<Account>[]);
    const read = async (prefix: string) => (await m.find(Account, { order: { code: 'ASC' } })).filter((a) => a.code.startsWith(prefix));
    const ours = await read('BW');
    const theirs = await read('TO');
    expect(ours).toHaveLength(AWKWARD.length);
    const comparable = (a: Account) => ({ ...a, id: 0, code: a.code.slice(2), nameKey: a.nameKey.replace(/-to$/, '') });
    expect(ours.map(comparable)).toEqual(theirs.map(comparable));
    for (const [i, a] of ours.entries()) {
      expect(a.address).toBe(AWKWARD[i]);
      expect(a.createdAt.getTime()).toBe(at.getTime());
      expect(a.updatedAt.getTime()).toBe(at.getTime() + i);
      expect(a.totalAssetsFen).toBe(1_234_567_890_123 + i);
    }
  });

  it('upserts on the conflict key: the named columns take the new values, the others stay', async () => {
    const { ds } = t();
    const m = ds.manager;
    const now = new Date();
    const base = { ...emptyAccount(), version: 1, createdAt: now, updatedAt: now };
    await bulkWrite(m, Account, [{ ...base, code: 'UP1', name: '旧名称', nameKey: nameKey('旧名称'), address: '旧地址' }] as Partial<Account>[]);
    const [before] = await m.findBy(Account, { code: 'UP1' });
    await bulkWrite(m, Account, [{ ...before, name: `新名称 ' \\ ?`, nameKey: nameKey(`新名称 ' \\ ?`), address: '新地址', version: 2 }], { upsert: { conflict: ['id'], update: ['name', 'nameKey', 'version'] } });
    const [after] = await m.findBy(Account, { code: 'UP1' });
    expect(after.id).toBe(before.id);
    expect(after.name).toBe(`新名称 ' \\ ?`);
    expect(after.version).toBe(2);
    expect(after.address).toBe('旧地址');
  });
});
