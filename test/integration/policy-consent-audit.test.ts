import { getMetadataStorage } from 'type-graphql';
import { ErrorCode } from '../../src/common/errors';
import { POLICY_RESOLVERS } from '../../src/http/schema';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Contact } from '../../src/modules/contacts/contact.entity';
import type { Account } from '../../src/modules/accounts/account.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const RECORD = 'mutation($input: RecordConsentInput!) { recordContactConsent(input: $input) { id consentAt consentSource consentScope } }';
const WITHDRAW = 'mutation($id: ID!, $note: String) { withdrawContactConsent(contactId: $id, note: $note) { id consentAt consentSource } }';
const AUDIT = `query($first: Int, $after: String, $filter: AuditEventFilter) { auditEvents(first: $first, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id at actor actorRole action entity entityId fields before after } } }`;

type AuditNode = { id: string; at: string; actor: string; actorRole: string; action: string; entity: string; entityId: string; fields: string[]; before: string | null; after: string | null };
type AuditPage = { auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: AuditNode[] } };

describeEachDb('consent to personal information, and the audit trail', (t) => {
  let w: PolicyWorld;
  let account: Account;
  let contactId: number;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    account = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager);
    contactId = (await t().services.contacts.create(w.system, { accountId: account.id, name: '张总', title: '总经理' })).id;
  });

  afterAll(async () => {
    await w?.close();
  });

  describe('consent', () => {
    it('family, home address and hobbies are refused without a consent record', () => {
      expect(() => t().services.contacts.normalize({ accountId: account.id, name: '李工', hobbies: '钓鱼' })).toThrow(expect.objectContaining({ code: ErrorCode.CONSENT_REQUIRED, details: { field: 'hobbies' } }));
    });

    it('the account\'s manager records consent (when, how, what); others may not', async () => {
      const input = { contactId: String(contactId), consentAt: '2026-03-01T02:00:00.000Z', source: '书面同意书', scope: '家庭住址、兴趣爱好' };
      for (const who of ['hnManager', 'hdManager2', 'analyst', 'finance', 'committee'] as const) expect(errorOf(await w.gql(who).request(RECORD, { input })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql('hdManager').request(RECORD, { input: { ...input, source: ' ' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source' });
      expect(errorOf(await w.gql('hdManager').request(RECORD, { input: { ...input, consentAt: '2999-01-01T00:00:00.000Z' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentAt' });
      const d = await w.gql('hdManager').data<{ recordContactConsent: { consentAt: string; consentSource: string; consentScope: string } }>(RECORD, { input });
      expect(d.recordContactConsent).toMatchObject({ consentAt: '2026-03-01T02:00:00.000Z', consentSource: '书面同意书', consentScope: '家庭住址、兴趣爱好' });
      // With the record the sensitive fields can be kept.
      await t().ds.getRepository(Contact).update({ id: contactId }, { familyInfo: '已婚，育有一子', homeAddress: '上海市滨江花园3栋1201室', hobbies: '高尔夫、书法' });
    });

    it('withdrawing consent erases the three fields and says so in the audit trail, without their values', async () => {
      expect(errorOf(await w.gql('hnManager').request(WITHDRAW, { id: String(contactId) })).code).toBe('FORBIDDEN');
      const d = await w.gql('hdManager').data<{ withdrawContactConsent: { consentAt: null; consentSource: null } }>(WITHDRAW, { id: String(contactId), note: '本人电话要求删除' });
      expect(d.withdrawContactConsent).toMatchObject({ consentAt: null, consentSource: null });
      const c = await t().ds.getRepository(Contact).findOneByOrFail({ id: contactId });
      expect([c.familyInfo, c.homeAddress, c.hobbies, c.consentAt, c.consentSource, c.consentScope]).toEqual([null, null, null, null, null, null]);
      expect([c.name, c.title]).toEqual(['张总', '总经理']);
      const audit = await w.gql('committee').data<AuditPage>(AUDIT, { first: 5, filter: { entity: 'Contact', entityId: String(contactId) } });
      const [withdrawn, recorded] = audit.auditEvents.nodes;
      expect(withdrawn).toMatchObject({ action: 'contact.consent.withdraw', actor: 'apikey:key-hdManager', actorRole: 'MANAGER' });
      expect(withdrawn.fields).toEqual(['familyInfo', 'homeAddress', 'hobbies', 'consentAt', 'consentSource', 'consentScope']);
      expect(JSON.parse(withdrawn.after as string)).toMatchObject({ erased: ['familyInfo', 'homeAddress', 'hobbies'], note: '本人电话要求删除' });
      expect(recorded.action).toBe('contact.consent.record');
      const everything = JSON.stringify(audit.auditEvents.nodes);
      for (const secret of ['育有一子', '滨江花园', '高尔夫']) expect(everything).not.toContain(secret);
      // Nothing left to withdraw.
      expect(errorOf(await w.gql('hdManager').request(WITHDRAW, { id: String(contactId) }))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.INVALID_STATE });
    });
  });

  describe('audit trail', () => {
    it('is for ADMIN and the committee only', async () => {
      for (const who of ['hdManager', 'finance', 'analyst'] as const) expect(errorOf(await w.gql(who).request(AUDIT, { first: 1 })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.anonymous.request(AUDIT, { first: 1 })).code).toBe('UNAUTHENTICATED');
      await expect(t().services.audit.list(w.as('analyst'), {}, { first: 1 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect((await w.gql('admin').data<AuditPage>(AUDIT, { first: 1 })).auditEvents.totalCount).toBeGreaterThan(0);
    });

    it('pages newest first with keyset cursors, every event exactly once', async () => {
      const total = await t().ds.getRepository(AuditEvent).count();
      const seen: string[] = [];
      let after: string | null = null;
      let last = '9999';
      for (;;) {
        const d: AuditPage = await w.gql('committee').data<AuditPage>(AUDIT, { first: 7, after });
        expect(d.auditEvents.totalCount).toBe(total);
        for (const n of d.auditEvents.nodes) {
          expect(n.at <= last).toBe(true);
          last = n.at;
          seen.push(n.id);
        }
        if (!d.auditEvents.pageInfo.hasNextPage) break;
        after = d.auditEvents.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect(errorOf(await w.gql('committee').request(AUDIT, { first: 5, after: 'nope' })).code).toBe('BAD_USER_INPUT');
    });

    it('filters by entity, id, action (or action prefix), actor and time', async () => {
      const { services } = t();
      const marker = new Date(Date.now() - 1);
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await services.ownership.reassign(w.as('committee'), { accountId: a.id, managerId: w.users.hdManager2.id, reason: 'MANAGER_UNFIT', note: '调岗' });
      const byId = await w.gql('admin').data<AuditPage>(AUDIT, { first: 20, filter: { entity: 'Account', entityId: String(a.id) } });
      expect(byId.auditEvents.nodes.map((n) => n.action)).toEqual(['account.reassign', 'account.assign', 'account.create']);
      const byAction = await w.gql('admin').data<AuditPage>(AUDIT, { first: 50, filter: { action: 'account.reassign' } });
      expect(byAction.auditEvents.nodes.every((n) => n.action === 'account.reassign')).toBe(true);
      const prefix = await w.gql('admin').data<AuditPage>(AUDIT, { first: 50, filter: { action: 'contact.consent.*' } });
      expect(new Set(prefix.auditEvents.nodes.map((n) => n.action))).toEqual(new Set(['contact.consent.record', 'contact.consent.withdraw']));
      const byActor = await w.gql('admin').data<AuditPage>(AUDIT, { first: 50, filter: { actor: 'committee', from: marker.toISOString() } });
      expect(byActor.auditEvents.nodes.map((n) => n.action)).toEqual(['account.reassign']);
      const before = await w.gql('admin').data<AuditPage>(AUDIT, { first: 50, filter: { entity: 'Account', entityId: String(a.id), to: marker.toISOString() } });
      expect(before.auditEvents.totalCount).toBe(0);
    });
  });

  describe('an ANALYST (read-only) trying any policy mutation', () => {
    it('is refused every one of them and changes nothing', async () => {
      const id = String(account.id);
      const mutations = [
        'mutation { createTier(input: { code: "Z", name: "Z", rank: 9 }) { id } }',
        'mutation { updateTier(id: "1", input: { active: false }, version: 1) { id } }',
        'mutation { createManagementLevel(input: { code: "Z", name: "Z", rank: 9 }) { id } }',
        'mutation { updateManagementLevel(id: "1", input: { active: false }, version: 1) { id } }',
        'mutation { setCadenceRule(input: { tier: "KEY", activityType: MEETING, intervalMonths: 1 }) { id } }',
        'mutation { deleteCadenceRule(id: "1", version: 1) { id } }',
        'mutation { createYearEndRule(input: { position: 1, name: "Z", decision: MAINTAIN }) { id } }',
        'mutation { updateYearEndRule(id: "1", input: { active: false }, version: 1) { id } }',
        'mutation { deleteYearEndRule(id: "1", version: 1) { id } }',
        'mutation { recommendAccount(input: { account: { code: "ZZ", name: "分析员推荐" }, unitId: "1" }) { id } }',
        'mutation { approveRecommendation(id: "1") { id } }',
        'mutation { rejectRecommendation(id: "1", note: "x") { id } }',
        `mutation { reassignAccount(input: { accountId: "${id}", managerId: "1", reason: CUSTOMER_REQUEST, note: "x" }) { id } }`,
        `mutation { addCrossRegionUnit(input: { accountId: "${id}", unitId: "1", note: "x" }) { id } }`,
        'mutation { endCrossRegionUnit(assignmentId: "1", note: "x") { id } }',
        `mutation { terminateAccount(accountId: "${id}", note: "x") { id } }`,
        `mutation { proposeTierChange(input: { accountId: "${id}", toTier: "STRATEGIC", reason: "x" }) { id } }`,
        'mutation { approveTierReview(id: "1") { id } }',
        'mutation { rejectTierReview(id: "1", note: "x") { id } }',
        'mutation { withdrawTierReview(id: "1") { id } }',
        'mutation { startTierReview(period: "2026H1") { proposed } }',
        'mutation { proposeYearEndDecisions(year: 2025) { proposed } }',
        `mutation { confirmYearEndDecision(input: { accountId: "${id}", year: 2025 }) { id } }`,
        `mutation { reviseYearEndDecision(input: { accountId: "${id}", year: 2025, decision: MAINTAIN, note: "x" }) { id } }`,
        `mutation { proposeManagementLevelChange(input: { accountId: "${id}", toLevel: "公司级", reason: "x" }) { id } }`,
        'mutation { approveManagementLevelReview(id: "1") { id } }',
        'mutation { rejectManagementLevelReview(id: "1", note: "x") { id } }',
        'mutation { withdrawManagementLevelReview(id: "1") { id } }',
        'mutation { startManagementLevelReview(period: "2026H1") { proposed } }',
        `mutation { recordContactConsent(input: { contactId: "${contactId}", source: "x" }) { id } }`,
        `mutation { withdrawContactConsent(contactId: "${contactId}") { id } }`,
        // The policies, complete (issue 19)
        'mutation { activateCadenceProfile(code: "POLICY_002") { code } }',
        'mutation { createCadenceProfile(input: { code: "Z", name: "Z" }) { code } }',
        'mutation { saveCadenceRule(input: { tier: "KEY", interval: 2, intervalUnit: WEEK, channels: [PHONE] }) { id } }',
        'mutation { saveIdentificationCriterion(input: { code: "ORDER_AMOUNT", weight: 1 }) { id } }',
        'mutation { draftTierList(year: 2026) { id } }',
        `mutation { setTierListEntry(listId: "1", accountId: "${id}", toTier: "KEY", reason: "x") { id } }`,
        'mutation { approveTierList(id: "1") { id } }',
        'mutation { rejectTierList(id: "1", note: "x") { id } }',
        'mutation { setTierListApprover(userId: "1") { id } }',
        `mutation { assignTeamMember(input: { accountId: "${id}", role: "技术负责人", userId: "1" }) { id } }`,
        'mutation { endTeamMember(id: "1") { id } }',
        'mutation { createTeamRole(input: { code: "Z", name: "Z" }) { id } }',
        'mutation { updateTeamRole(id: "1", input: { name: "Z" }) { id } }',
        'mutation { setTeamRequirement(input: { role: "技术负责人" }) { id } }',
        'mutation { deleteTeamRequirement(id: "1") { id } }',
        `mutation { createCommunicationPlan(input: { accountId: "${id}", scheduledOn: "2026-01-05", agenda: "x" }) { id } }`,
        'mutation { updateCommunicationPlan(id: "1", input: { agenda: "x" }) { id } }',
        'mutation { cancelCommunicationPlan(id: "1", reason: "x") { id } }',
        'mutation { fulfilCommunicationPlan(id: "1", activityId: "1") { id } }',
        `mutation { createFollowUpAction(input: { accountId: "${id}", description: "x" }) { id } }`,
        'mutation { updateFollowUpAction(id: "1", input: { description: "x" }) { id } }',
        'mutation { completeFollowUpAction(id: "1") { id } }',
        'mutation { cancelFollowUpAction(id: "1", reason: "x") { id } }',
        'mutation { reopenFollowUpAction(id: "1") { id } }',
        'mutation { closeFollowUpActionsDueBefore(dueBefore: "2026-01-01", note: "x") }',
        `mutation { createComplaint(input: { accountId: "${id}", kind: COMPLAINT, subject: "x" }) { id } }`,
        'mutation { updateComplaint(id: "1", input: { subject: "x" }) { id } }',
        'mutation { resolveComplaint(id: "1", resolution: "x") { id } }',
        'mutation { verifyComplaint(id: "1", passed: true, note: "x") { id } }',
        'mutation { replyComplaint(id: "1", reply: "x") { id } }',
        'mutation { setComplaintDeadline(severity: NORMAL, days: 3) { id } }',
        'mutation { closeComplaintsReportedBefore(reportedBefore: "2026-01-01", note: "x") }',
        'mutation { startHandover(input: { userId: "1", reason: RESIGNED }) { id } }',
        'mutation { setHandoverSuccessors(id: "1", everyoneTo: "1") { id } }',
        'mutation { approveHandover(id: "1") { id } }',
        'mutation { rejectHandover(id: "1", note: "x") { id } }',
        'mutation { recordConfidentialityAgreement(input: { userId: "1", signedOn: "2026-01-01" }) { id } }',
        'mutation { revokeConfidentialityAgreement(id: "1", reason: "x") { id } }',
        'mutation { setConfidentialityRequiredVersion(version: "x") }',
      ];
      const eventsBefore = await t().ds.getRepository(AuditEvent).count();
      for (const m of mutations) {
        const r = await w.gql('analyst').request(m);
        expect({ m, code: errorOf(r).code }).toEqual({ m, code: 'FORBIDDEN' });
      }
      expect(await t().ds.getRepository(AuditEvent).count()).toBe(eventsBefore);
      // Every mutation the policy resolvers define is in the list above.
      const listed = mutations.map((m) => /mutation \{ (\w+)/.exec(m)![1]).sort();
      const defined = getMetadataStorage().mutations.filter((m) => POLICY_RESOLVERS.includes(m.target)).map((m) => m.schemaName).sort();
      expect(listed).toEqual(defined);
    });
  });
});
