import { AssignmentReason } from '../../src/common/enums';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { PolicyLock } from '../../src/db/policy-lock';
import { YearEndRule } from '../../src/modules/year-end/year-end-rule.entity';
import { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import { pendingSchemaChanges } from '../../src/db/migrations';
import { describeEachDb } from '../support/db';

describeEachDb('policy migrations on a database that already has accounts', (t) => {
  it('go down and up again with data in place, backfilling the INITIAL assignment of owned accounts', async () => {
    const { ds, services } = t();
    const ctx = { actor: { kind: 'system' as const, name: 'system:test', role: 'ADMIN' as never, userId: null, unitId: null }, requestId: 'm', origin: 'test' };
    const unit = await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' });
    const owned = await services.accounts.create(ctx, { code: 'M1', name: '迁移前客户', ownerUnitId: unit.id, registeredOn: '2023-05-06', managementLevel: '公司级' });
    await services.accounts.create(ctx, { code: 'M2', name: '无归属客户' });
    // Undo every migration down to and including the policy ones (data, then schema): management_levels.active
    // goes, accounts keep pointing at levels.
    const policyIndex = ds.migrations.findIndex((m) => m.name?.startsWith('PolicyRules'));
    expect(policyIndex).toBeGreaterThan(0);
    for (let i = ds.migrations.length; i > policyIndex; i--) await ds.undoLastMigration({ transaction: 'each' });
    expect(await ds.query('SELECT COUNT(*) AS n FROM accounts').then((r: { n: unknown }[]) => Number(r[0].n))).toBe(2);
    // As on a database from before ownership history: accounts with an owner, no assignment rows.
    await ds.query('DELETE FROM assignments');
    await ds.runMigrations({ transaction: 'each' });
    expect(await pendingSchemaChanges(ds)).toEqual([]);
    const assignments = await ds.getRepository(Assignment).findBy({ accountId: owned.id });
    expect(assignments.map((a) => [a.unitId, a.fromDate, a.reason, a.toDate])).toEqual([[unit.id, '2023-05-06', AssignmentReason.INITIAL, null]]);
    expect(await ds.getRepository(Assignment).count()).toBe(1);
    expect(await ds.getRepository(YearEndRule).count()).toBe(5);
    expect((await ds.getRepository(PolicyLock).find()).map((l) => l.name).sort()).toEqual(['level-review', 'ownership', 'tier-review', 'year-end']);
    expect((await ds.getRepository(ManagementLevel).find()).every((l) => l.active)).toBe(true);
  });
});
