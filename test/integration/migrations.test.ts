import { pendingSchemaChanges } from '../../src/db/migrations';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { CadenceRule } from '../../src/modules/cadence/cadence-rule.entity';
import { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import { CadenceProfile } from '../../src/modules/cadence/cadence-profile.entity';
import { TeamRole } from '../../src/modules/service-team/team-role.entity';
import { describeEachDb } from '../support/db';

describeEachDb('migrations', (t) => {
  it('leave no difference between the entities and the database (schema drift)', async () => {
    const drift = await pendingSchemaChanges(t().ds);
    expect(drift).toEqual([]);
  });

  it('have nothing pending once applied', async () => {
    expect(await t().ds.showMigrations()).toBe(false);
  });

  it('seed the default tier scheme with every policy label as an alias', async () => {
    const tiers = await t().ds.getRepository(Tier).find({ order: { rank: 'ASC' } });
    expect(tiers.map((x) => x.code)).toEqual(['STRATEGIC', 'KEY', 'MAJOR', 'GENERAL']);
    expect(tiers.map((x) => x.name)).toEqual(['战略', '重点', '主要', '一般']);
    const byAlias = async (label: string) => (await t().services.tiers.resolve(label)).code;
    for (const [label, code] of [
      ['战略客户', 'STRATEGIC'], ['战略大客户', 'STRATEGIC'], ['核心级', 'STRATEGIC'],
      ['重点客户', 'KEY'], ['重要级', 'KEY'], ['重要大客户', 'KEY'], ['重点', 'KEY'],
      ['主要客户', 'MAJOR'], ['潜力级', 'MAJOR'],
      ['一般客户', 'GENERAL'], ['一般大客户', 'GENERAL'], ['一般', 'GENERAL'],
    ]) {
      expect(await byAlias(label)).toBe(code);
    }
    expect(tiers.find((x) => x.code === 'KEY')?.minAnnualSalesFen).toBe(20_000_000 * 100);
    expect(tiers.find((x) => x.code === 'MAJOR')?.minAnnualSalesFen).toBe(5_000_000 * 100);
  });

  it('seed management levels, and the strategic cadence of policy 003 (in force, by team role) and of policy 002 beside it', async () => {
    const levels = await t().ds.getRepository(ManagementLevel).find({ order: { rank: 'ASC' } });
    expect(levels.map((l) => [l.name, l.minExpectedContractFen])).toEqual([['公司级', 200_000_000 * 100], ['分公司级', 100_000_000 * 100]]);
    const strategic = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'STRATEGIC' });
    const profiles = await t().ds.getRepository(CadenceProfile).find({ order: { id: 'ASC' } });
    expect(profiles.map((p) => [p.code, p.active])).toEqual([['POLICY_003', true], ['POLICY_002', false]]);
    const roles = new Map((await t().ds.getRepository(TeamRole).find()).map((r) => [r.id, r.code]));
    const rules = await t().ds.getRepository(CadenceRule).findBy({ tierId: strategic.id, profileId: profiles[0].id });
    expect(Object.fromEntries(rules.map((r) => [r.activityType, [r.intervalMonths, r.teamRoleId === null ? null : roles.get(r.teamRoleId)]]))).toEqual({
      EXECUTIVE_VISIT: [6, null], MANAGER_VISIT: [1, 'ACCOUNT_MANAGER'], TECHNICAL_EXCHANGE: [6, 'TECHNICAL'], QUALITY_EXCHANGE: [3, 'QUALITY'],
    });
    const key = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'KEY' });
    const of002 = await t().ds.getRepository(CadenceRule).findBy({ tierId: key.id, profileId: profiles[1].id });
    expect(of002.map((r) => [r.name, r.channels, r.intervalCount, r.intervalUnit]).sort()).toEqual([['电话或邮件跟进', ['EMAIL', 'PHONE'], 2, 'WEEK'], ['面谈', ['FACE_TO_FACE'], 1, 'MONTH']]);
    expect(strategic).toMatchObject({ targetMin: 3, targetMax: 5 });
  });

  it('enforce unique account codes and credit codes, and foreign keys, in the database itself', async () => {
    const { ds } = t();
    const insert = (code: string, creditCode: string | null, ownerUnitId: number | null = null) =>
      ds.createQueryBuilder().insert().into('accounts').values({ code, name: code, nameKey: code, creditCode, status: 'ACTIVE', source: 'MANUAL', version: 1, ownerUnitId }).execute();
    await insert('U1', '914403001922038216');
    await insert('U2', null);
    await insert('U3', null); // several accounts without a credit code are fine
    await expect(insert('U1', null)).rejects.toThrow();
    await expect(insert('U4', '914403001922038216')).rejects.toThrow();
    await expect(insert('U5', null, 999_999)).rejects.toThrow();
  });
});
