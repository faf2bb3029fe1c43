/**
 * Policy 003's service team: roles are data, every seat is kept with its dates, required seats (a
 * resident representative above 5000万 recorded sales, technical / quality / after-sales owners for
 * every strategic account) show as gaps, and the account manager's seat belongs to the ownership.
 */
import { Role } from '../../src/common/enums';
import { systemContext } from '../../src/common/context';
import type { Account } from '../../src/modules/accounts/account.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const 万 = 10_000;
const ASSIGN = 'mutation($input: AssignTeamMemberInput!) { assignTeamMember(input: $input) { id fromDate toDate role { code } user { login } } }';
const GAPS = 'query($ids: [ID!]) { serviceTeamGaps(filter: { accountIds: $ids }) { reason account { code } role { code } requirement { minAnnualSales } user { login } } }';
type Gap = { reason: string; account: { code: string }; role: { code: string }; requirement: { minAnnualSales: number | null }; user: { login: string } | null };

describeEachDb('the account\'s service team', (t) => {
  let w: PolicyWorld;
  let big: Account;
  let small: Account;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    big = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC' });
    small = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC', annualSales: 90_000 * 万 });
    // 6000万 signed recently: above the resident representative's 5000万 threshold. The other has only an estimate.
    await t().services.projects.createProject(w.system, { accountId: big.id, name: '年度供货', status: 'IN_PROGRESS', contractAmount: 6000 * 万, signedOn: '2026-10-01' });
  });

  afterAll(async () => {
    await w?.close();
  });

  const gaps = async (...accounts: Account[]) => (await w.gql('analyst').data<{ serviceTeamGaps: Gap[] }>(GAPS, { ids: accounts.map((a) => String(a.id)) })).serviceTeamGaps;
  const summary = (g: Gap[]) => g.map((x) => `${x.account.code}:${x.role.code}:${x.reason}`).sort();

  it('lists the seats a strategic account lacks, the resident representative only above 5000万 recorded', async () => {
    expect(summary(await gaps(big, small))).toEqual([
      `${big.code}:AFTER_SALES:VACANT`, `${big.code}:QUALITY:VACANT`, `${big.code}:RESIDENT_REP:VACANT`, `${big.code}:TECHNICAL:VACANT`,
      `${small.code}:AFTER_SALES:VACANT`, `${small.code}:QUALITY:VACANT`, `${small.code}:TECHNICAL:VACANT`,
    ].sort());
  });

  it('lets the account\'s manager seat its people, keeps who held the seat before, and closes the gap', async () => {
    const first = await w.gql('hdManager').data<{ assignTeamMember: { id: string; fromDate: string } }>(ASSIGN, { input: { accountId: String(big.id), role: '技术负责人', userId: String(w.users.hdManager2.id), fromDate: '2026-01-01' } });
    const second = await w.gql('hdManager').data<{ assignTeamMember: { role: { code: string }; user: { login: string }; toDate: string | null } }>(ASSIGN, { input: { accountId: String(big.id), role: 'TECHNICAL', userId: String(w.users.hbManager.id), fromDate: '2026-06-01' } });
    expect(second.assignTeamMember).toMatchObject({ role: { code: 'TECHNICAL' }, user: { login: 'hbManager' }, toDate: null });
    const team = await w.gql('analyst').data<{ account: { serviceTeam: { role: { code: string }; user: { login: string } }[]; serviceTeamHistory: { id: string; fromDate: string; toDate: string | null; user: { login: string } }[] } }>(
      'query($id: ID) { account(id: $id) { serviceTeam { role { code } user { login } } serviceTeamHistory { id fromDate toDate user { login } } } }',
      { id: String(big.id) },
    );
    expect(team.account.serviceTeam).toEqual([{ role: { code: 'ACCOUNT_MANAGER' }, user: { login: 'hdManager' } }, { role: { code: 'TECHNICAL' }, user: { login: 'hbManager' } }]);
    expect(team.account.serviceTeamHistory).toEqual([
      { id: first.assignTeamMember.id, fromDate: '2026-01-01', toDate: '2026-06-01', user: { login: 'hdManager2' } },
      expect.objectContaining({ fromDate: '2026-06-01', toDate: null, user: { login: 'hbManager' } }),
    ]);
    expect(summary(await gaps(big))).not.toContain(`${big.code}:TECHNICAL:VACANT`);
  });

  it('refuses another unit\'s manager and read-only roles, and leaves the account manager\'s seat to the committee\'s reassignment', async () => {
    const input = { accountId: String(big.id), role: '质量负责人', userId: String(w.users.hdManager2.id) };
    expect(errorOf(await w.gql('hnManager').request(ASSIGN, { input })).code).toBe('FORBIDDEN');
    expect(errorOf(await w.gql('finance').request(ASSIGN, { input })).code).toBe('FORBIDDEN');
    expect(errorOf(await w.gql('committee').request(ASSIGN, { input: { ...input, role: '客户经理' } }))).toMatchObject({ code: 'CONFLICT', reason: 'OWNERSHIP_CONFLICT' });
    expect(errorOf(await w.gql('hdManager').request(ASSIGN, { input: { ...input, role: '厨师' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
  });

  it('counts a seat held by someone no longer active as a gap', async () => {
    const ctx = systemContext('test');
    const leaver = await t().services.org.createUser(ctx, { login: 'leaver', name: '即将离职', role: Role.MANAGER, unitId: w.units.hd.id });
    await t().services.team.assign(w.as('hdManager'), { accountId: small.id, role: '售后', userId: leaver.id });
    expect(summary(await gaps(small))).toContain(`${small.code}:QUALITY:VACANT`);
    expect(summary(await gaps(small))).not.toContain(`${small.code}:AFTER_SALES:VACANT`);
    // A handover is required to deactivate them (policy 002) — refused until then, so the seat stays covered.
    const off = await w.gql('admin').request('mutation($id: ID!, $v: Int!) { updateUser(id: $id, version: $v, input: { active: false }) { id } }', { id: String(leaver.id), v: leaver.version });
    expect(errorOf(off)).toMatchObject({ code: 'CONFLICT', reason: 'HANDOVER_REQUIRED', field: 'active' });
    // Deactivated by hand in the database (an HR sync), the seat counts as empty.
    await t().ds.query('UPDATE users SET active = 0 WHERE id = ?', [leaver.id]);
    const g = (await gaps(small)).find((x) => x.role.code === 'AFTER_SALES');
    expect(g).toMatchObject({ reason: 'HOLDER_INACTIVE', user: { login: 'leaver' } });
  });

  it('lets the committee set what each tier needs (audited), and nobody else', async () => {
    const SET = 'mutation($input: TeamRequirementInput!) { setTeamRequirement(input: $input) { tier { code } role { code } minAnnualSales } }';
    const input = { tier: '重点', role: '技术负责人', minAnnualSales: 3000 * 万 };
    expect(errorOf(await w.gql('hdManager').request(SET, { input })).code).toBe('FORBIDDEN');
    const d = await w.gql('committee').data<{ setTeamRequirement: unknown }>(SET, { input });
    expect(d.setTeamRequirement).toEqual({ tier: { code: 'KEY' }, role: { code: 'TECHNICAL' }, minAnnualSales: 30_000_000 });
    const trail = await w.gql('committee').data<{ auditEvents: { nodes: { action: string }[] } }>('{ auditEvents(first: 1, filter: { entity: "TeamRequirement" }) { nodes { action } } }');
    expect(trail.auditEvents.nodes).toEqual([{ action: 'teamRequirement.set' }]);
  });
});
