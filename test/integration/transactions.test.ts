import { systemContext } from '../../src/common/context';
import { OrgUnitKind } from '../../src/common/enums';
import { inTransaction, managerFor } from '../../src/db/transaction';
import { OrgUnit } from '../../src/modules/org/org-unit.entity';
import { createTestDb, describeEachDb } from '../support/db';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDb('transactions under concurrent requests', (t) => {
  it('keep concurrent transactions apart: the one that fails rolls back alone, the others commit whole (isolation while they run: the next test)', async () => {
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

  it('a transaction reading while another is half-written sees none of it (asserted from inside the reader)', async () => {
    const { ds } = t();
    const ctx = systemContext('test');
    let halfWritten!: () => void;
    const aHalf = new Promise<void>((r) => (halfWritten = r));
    let readDone!: () => void;
    const bRead = new Promise<void>((r) => (readDone = r));
    const seen: string[][] = [];
    const codes = async (tx: typeof ctx) => (await managerFor(ds, tx).find(OrgUnit, { order: { code: 'ASC' } })).map((u) => u.code).filter((c) => c.startsWith('IS'));
    const writer = inTransaction(ds, ctx, async (tx) => {
      await managerFor(ds, tx).insert(OrgUnit, { code: 'ISA', name: 'ISA', nameKey: 'isa', kind: OrgUnitKind.BRANCH, active: true, version: 1 });
      halfWritten();
      // Wait for the reader; where the database serialises transactions (SQLite) it cannot start yet.
      await Promise.race([bRead, sleep(ds.options.type === 'mysql' ? 10_000 : 300)]);
      await managerFor(ds, tx).insert(OrgUnit, { code: 'ISA-2', name: 'ISA-2', nameKey: 'isa-2', kind: OrgUnitKind.BRANCH, active: true, version: 1 });
    });
    const reader = (async () => {
      await aHalf;
      await inTransaction(ds, ctx, async (tx) => {
        seen.push(await codes(tx));
        readDone();
        await writer.catch(() => undefined);
        seen.push(await codes(tx));
      }).catch(async (e) => {
        readDone();
        throw e;
      });
    })();
    await Promise.all([writer, reader]);
    // Never half: nothing of the writer, or all of it.
    for (const s of seen) expect([[], ['ISA', 'ISA-2']]).toContainEqual(s);
    // On MySQL the two really overlap: the reader ran while the writer had written half.
    if (ds.options.type === 'mysql') expect(seen[0]).toEqual([]);
    expect(await codes(ctx)).toEqual(['ISA', 'ISA-2']);
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
