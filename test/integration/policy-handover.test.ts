/**
 * 工作交接 (policy 002: 离职时需办理信息交接): a user who holds accounts, team seats, open actions,
 * complaints or plans is not simply switched off; a handover names a successor for each, the committee
 * approves where ownership moves (reason 客户经理离职交接), and afterwards nothing is orphaned.
 */
import { Role } from '../../src/common/enums';
import { systemContext } from '../../src/common/context';
import type { Account } from '../../src/modules/accounts/account.entity';
import type { User } from '../../src/modules/org/user.entity';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { FollowUpAction } from '../../src/modules/plans/follow-up.entity';
import { Complaint } from '../../src/modules/complaints/complaint.entity';
import { TeamMember } from '../../src/modules/service-team/team-member.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const HOLDINGS = 'query($id: ID) { user(id: $id) { active holdings { kind label } } }';

describeEachDb('handover when someone leaves', (t) => {
  let w: PolicyWorld;
  let leaver: User;
  let a1: Account;
  let a2: Account;
  let seatedOn: Account;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    const s = t().services;
    leaver = await s.org.createUser(systemContext('test'), { login: 'leaver', name: '将离职经理', role: Role.MANAGER, unitId: w.units.hd.id });
    a1 = await ownedAccount(s, w, w.units.hd, leaver);
    a2 = await ownedAccount(s, w, w.units.hd, leaver);
    seatedOn = await ownedAccount(s, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC' });
    await s.team.assign(w.as('hdManager'), { accountId: seatedOn.id, role: '质量负责人', userId: leaver.id, fromDate: '2026-01-01' });
    await s.activities.create(w.system, { accountId: a1.id, occurredOn: '2026-11-02', type: 'MEETING', subject: '方案沟通', managerId: leaver.id, nextAction: '报价', nextActionDue: '2026-12-20' });
    await s.complaints.create(w.system, { accountId: a2.id, kind: 'COMPLAINT', subject: '交货延期', ownerId: leaver.id, reportedOn: '2026-12-01' });
  });

  afterAll(async () => {
    await w?.close();
  });

  it('refuses to deactivate someone who still holds anything, saying what', async () => {
    const r = await w.gql('admin').request('mutation($id: ID!, $v: Int!) { updateUser(id: $id, version: $v, input: { active: false }) { id } }', { id: String(leaver.id), v: leaver.version });
    const e = errorOf(r);
    expect(e).toMatchObject({ code: 'CONFLICT', reason: 'HANDOVER_REQUIRED', field: 'active' });
    expect(e.message).toContain('所管客户 2');
    const d = await w.gql('committee').data<{ user: { active: boolean; holdings: { kind: string }[] } }>(HOLDINGS, { id: String(leaver.id) });
    expect(d.user.holdings.map((h) => h.kind).sort()).toEqual(['ACCOUNT', 'ACCOUNT', 'COMPLAINT', 'FOLLOW_UP', 'TEAM_SEAT']);
    // Who holds what is for ADMIN and the committee.
    expect((await w.gql('hdManager').request<{ user: { holdings: unknown } }>(HOLDINGS, { id: String(leaver.id) })).data?.user.holdings).toBeNull();
  });

  it('hands everything over once every item has a successor and the committee approves; nothing is orphaned', async () => {
    const START = 'mutation($input: StartHandoverInput!) { startHandover(input: $input) { id status items { id kind accountId movesOwnership } } }';
    expect(errorOf(await w.gql('hdManager').request(START, { input: { userId: String(leaver.id), reason: 'RESIGNED' } })).code).toBe('FORBIDDEN');
    const started = await w.gql('admin').data<{ startHandover: { id: string; items: { id: string; kind: string; accountId: string | null; movesOwnership: boolean }[] } }>(START, {
      input: { userId: String(leaver.id), reason: 'RESIGNED', effectiveOn: '2026-12-01', note: '12月离职' },
    });
    const id = started.startHandover.id;
    expect(started.startHandover.items.filter((i) => i.movesOwnership)).toHaveLength(2);
    const APPROVE = 'mutation($id: ID!) { approveHandover(id: $id, note: "同意") { status } }';
    // Not every item has a successor yet.
    expect(errorOf(await w.gql('committee').request(APPROVE, { id }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REQUIRED', field: 'successors' });
    const a1Item = started.startHandover.items.find((i) => i.kind === 'ACCOUNT' && i.accountId === String(a1.id))!;
    // An account stays with its unit: a successor from another unit is refused at approval.
    const SUCCESSORS = 'mutation($id: ID!, $s: [HandoverSuccessorInput!]) { setHandoverSuccessors(id: $id, successors: $s) { id } }';
    await w.gql('admin').data(SUCCESSORS, { id, s: [{ itemId: a1Item.id, successorId: String(w.users.hnManager.id) }] });
    await w.gql('admin').data('mutation($id: ID!, $all: ID) { setHandoverSuccessors(id: $id, everyoneTo: $all) { id } }', { id, all: String(w.users.hdManager2.id) });
    expect(errorOf(await w.gql('committee').request(APPROVE, { id }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'successors' });
    await w.gql('admin').data(SUCCESSORS, { id, s: [{ itemId: a1Item.id, successorId: String(w.users.hdManager.id) }] });
    // Anything acquired since the handover opened must be listed first.
    const late = await t().services.followUps.create(w.system, { accountId: a2.id, description: '回访', ownerId: leaver.id });
    expect(errorOf(await w.gql('committee').request(APPROVE, { id }))).toMatchObject({ code: 'CONFLICT', reason: 'STALE_PROPOSAL' });
    await w.gql('admin').data(START, { input: { userId: String(leaver.id), reason: 'RESIGNED', effectiveOn: '2026-12-01' } });
    await w.gql('admin').data('mutation($id: ID!, $all: ID) { setHandoverSuccessors(id: $id, everyoneTo: $all) { id } }', { id, all: String(w.users.hdManager2.id) });
    expect(errorOf(await w.gql('hdManager').request(APPROVE, { id })).code).toBe('FORBIDDEN');
    expect((await w.gql('committee').data<{ approveHandover: { status: string } }>(APPROVE, { id })).approveHandover.status).toBe('APPROVED');

    const s = t().services;
    expect((await s.accounts.get(w.system, a1.id)).managerId).toBe(w.users.hdManager.id);
    expect((await s.accounts.get(w.system, a2.id)).managerId).toBe(w.users.hdManager2.id);
    const assignments = await s.ds.getRepository(Assignment).find({ where: { accountId: a1.id }, order: { id: 'ASC' } });
    expect(assignments.map((a) => [a.managerId, a.toDate, a.reason])).toEqual([[leaver.id, '2026-12-01', 'INITIAL'], [w.users.hdManager.id, null, 'MANAGER_LEFT']]);
    expect((await s.ds.getRepository(FollowUpAction).findOneByOrFail({ id: late.id })).ownerId).toBe(w.users.hdManager2.id);
    expect((await s.ds.getRepository(Complaint).findOneByOrFail({ accountId: a2.id })).ownerId).toBe(w.users.hdManager2.id);
    const seats = await s.ds.getRepository(TeamMember).find({ where: { accountId: seatedOn.id }, order: { id: 'ASC' } });
    expect(seats.map((m) => [m.userId, m.toDate])).toEqual([[leaver.id, '2026-12-01'], [w.users.hdManager2.id, null]]);
    const after = await w.gql('committee').data<{ user: { active: boolean; holdings: unknown[] } }>(HOLDINGS, { id: String(leaver.id) });
    expect(after.user).toEqual({ active: false, holdings: [] });
  });
});
