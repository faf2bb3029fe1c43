import { systemContext } from '../../src/common/context';
import { OrgUnitKind } from '../../src/common/enums';
import { inTransaction, managerFor } from '../../src/db/transaction';
import { OrgUnit } from '../../src/modules/org/org-unit.entity';
import { createTestDb, describeEachDb } from '../support/db';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDb('transactions under concurrent requests', (t) => {
  it('keep concurrent transactions apart: one commits, the other rolls back, neither sees a half of the other', async () => {
    const { ds } = t();
    const ctx = systemContext('test');
    const write = (code: string, fail: boolean, delay: number) =>
      inTransaction(ds, ctx, async (tx) => {
        await sleep(delay);
        await managerFor(ds, tx).insert(OrgUnit, { code, name: code, nameKey: code, kind: OrgUnitKind.BRANCH, active: true, version: 1 });
        await sleep(30);
        if (fail) throw new Error(`rollback ${code}`);
        await managerFor(ds, tx).insert(OrgUnit, { code: `${code}-2`, name: `${code}-2`, nameKey: `${code}-2`, kind: OrgUnitKind.BRANCH, active: true, version: 1 });
      });
    const results = await Promise.allSettled([write('TA', false, 0), write('TB', true, 5), write('TC', false, 10)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('rollback TB');
    const codes = (await ds.getRepository(OrgUnit).find({ order: { code: 'ASC' } })).map((u) => u.code).filter((c) => c.startsWith('T'));
    expect(codes).toEqual(['TA', 'TA-2', 'TC', 'TC-2']);
  });

  it('join the caller\'s transaction when given its context', async () => {
    const { ds } = t();
    const ctx = systemContext('test');
    await expect(inTransaction(ds, ctx, async (tx) => {
      await inTransaction(ds, tx, async (inner) => managerFor(ds, inner).insert(OrgUnit, { code: 'J1', name: 'J1', nameKey: 'j1', kind: OrgUnitKind.BRANCH, active: true, version: 1 }));
      throw new Error('outer fails');
    })).rejects.toThrow('outer fails');
    expect(await ds.getRepository(OrgUnit).countBy({ code: 'J1' })).toBe(0);
  });
});

describe('SQLite transactions', () => {
  it('fail fast, instead of waiting on themselves, when a nested one forgets the outer context', async () => {
    const db = await createTestDb('sqlite', 'transactions.test.ts');
    try {
      const ctx = systemContext('test');
      await expect(inTransaction(db.ds, ctx, () => inTransaction(db.ds, ctx, async () => 1))).rejects.toThrow(/nested transaction without the outer one's context/);
      // The queue is free again afterwards.
      await expect(inTransaction(db.ds, ctx, async () => 2)).resolves.toBe(2);
    } finally {
      await db.drop();
    }
  });
});
