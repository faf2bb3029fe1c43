/**
 * The PoliciesComplete migration on a database that already has data: the cadence rules it had become
 * policy 003's scheme (intervals as the company set them, strategic contacts by team role), policy 002's
 * scheme is added beside it, and the activities logged before channels get theirs from their type.
 */
import { systemContext } from '../../src/common/context';
import { pendingSchemaChanges } from '../../src/db/migrations';
import { Activity } from '../../src/modules/activities/activity.entity';
import { CadenceProfile } from '../../src/modules/cadence/cadence-profile.entity';
import { CadenceRule } from '../../src/modules/cadence/cadence-rule.entity';
import { TeamRole } from '../../src/modules/service-team/team-role.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { describeEachDb } from '../support/db';

describeEachDb('the policies-complete migration on a database in use', (t) => {
  it('keeps the cadence a company set, adds the schemes and roles, and gives old activities their channel', async () => {
    const { ds, services } = t();
    const ctx = systemContext('test');
    const unit = await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' });
    const account = await services.accounts.create(ctx, { code: 'P1', name: '迁移客户', ownerUnitId: unit.id, registeredOn: '2024-01-01', tierCode: 'KEY' });
    for (const [type, subject] of [['MANAGER_VISIT', '走访'], ['PHONE_CALL', '电话'], ['MEETING', '会议']]) {
      await services.activities.create(ctx, { accountId: account.id, occurredOn: '2026-03-01', type, subject });
    }
    // Back to just before PoliciesComplete: the later migrations first, then it.
    const index = ds.migrations.findIndex((m) => m.name?.startsWith('PoliciesComplete'));
    expect(index).toBeGreaterThan(0);
    for (let i = ds.migrations.length; i > index; i--) await ds.undoLastMigration({ transaction: 'each' });
    // The company had made 重点 visits quarterly before the migration.
    await ds.query("UPDATE cadence_rules SET interval_months = 3 WHERE activity_type = 'MANAGER_VISIT' AND tier_id = (SELECT id FROM tiers WHERE code = 'KEY')");
    await ds.runMigrations({ transaction: 'each' });
    expect(await pendingSchemaChanges(ds)).toEqual([]);

    const [p003, p002] = await ds.getRepository(CadenceProfile).find({ order: { id: 'ASC' } });
    expect([p003.code, p003.active, p002.code, p002.active]).toEqual(['POLICY_003', true, 'POLICY_002', false]);
    const tiers = new Map((await ds.getRepository(Tier).find()).map((x) => [x.id, x.code]));
    const roles = new Map((await ds.getRepository(TeamRole).find()).map((r) => [r.id, r.code]));
    const rules = await ds.getRepository(CadenceRule).findBy({ profileId: p003.id });
    const shape = (tier: string, type: string) => {
      const r = rules.find((x) => tiers.get(x.tierId) === tier && x.activityType === type)!;
      return [r.intervalCount, r.intervalUnit, r.teamRoleId === null ? null : roles.get(r.teamRoleId)];
    };
    expect(shape('KEY', 'MANAGER_VISIT')).toEqual([3, 'MONTH', null]);
    expect(shape('STRATEGIC', 'MANAGER_VISIT')).toEqual([1, 'MONTH', 'ACCOUNT_MANAGER']);
    expect(shape('STRATEGIC', 'QUALITY_EXCHANGE')).toEqual([3, 'MONTH', 'QUALITY']);
    const channels = Object.fromEntries((await ds.getRepository(Activity).findBy({ accountId: account.id })).map((a) => [a.type, [a.channel, a.participantIds]]));
    expect(channels).toEqual({ MANAGER_VISIT: ['FACE_TO_FACE', []], PHONE_CALL: ['PHONE', []], MEETING: [null, []] });
    // And the compliance over them runs.
    const items = await services.cadence.compliance(ctx, '2026-03-31', { accountIds: [account.id] });
    expect(items.find((i) => i.activityType === 'MANAGER_VISIT')).toMatchObject({ lastOn: '2026-03-01', intervalMonths: 3, status: 'OK' });
  });
});
