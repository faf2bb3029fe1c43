/**
 * The demo company's share of the complete policies (issue 19), through the services like everything
 * else: everyone signed the confidentiality agreement (one renewal due soon, for the ADMIN's register),
 * strategic accounts have their service team (the manager doubling as technical and quality owner, a
 * colleague for after-sales; the resident representatives are left to appoint — the gaps show), and
 * the complaints and next steps of ledger rows more than a month old were handled.
 */
import { In, LessThan } from 'typeorm';
import type { RequestContext } from '../../src/common/context';
import { addDays, type LocalDate } from '../../src/common/dates';
import { Account } from '../../src/modules/accounts/account.entity';
import { Activity } from '../../src/modules/activities/activity.entity';
import { FollowUpAction } from '../../src/modules/plans/follow-up.entity';
import { FollowUpStatus } from '../../src/modules/plans/plan-status';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { User } from '../../src/modules/org/user.entity';
import type { Services } from '../../src/services';

export async function seedDemoPolicies(services: Services, tx: RequestContext, asOf: LocalDate): Promise<void> {
  const em = tx.em!;
  const year = Number(asOf.slice(0, 4));
  const users = await em.find(User, { order: { id: 'ASC' } });
  for (const [i, u] of users.entries()) {
    const soon = i === users.length - 1;
    await services.agreements.record(tx, {
      userId: u.id, documentVersion: `${year - 1}版`, signedOn: `${year - 1}-01-05`, expiresOn: soon ? addDays(asOf, 20) : `${year + 1}-12-31`, documentRef: `HR-BM-${String(u.id).padStart(4, '0')}`,
    });
  }
  const strategic = await em.findOneBy(Tier, { code: 'STRATEGIC' });
  if (strategic) {
    const accounts = await em.find(Account, { where: { tierId: strategic.id }, order: { id: 'ASC' } });
    const byUnit = new Map<number | null, User[]>();
    for (const u of users) byUnit.set(u.unitId, [...(byUnit.get(u.unitId) ?? []), u]);
    for (const a of accounts) {
      if (a.managerId === null) continue;
      const from = a.registeredOn && a.registeredOn < asOf ? a.registeredOn : addDays(asOf, -365);
      await services.team.assign(tx, { accountId: a.id, role: 'TECHNICAL', userId: a.managerId, fromDate: from });
      await services.team.assign(tx, { accountId: a.id, role: 'QUALITY', userId: a.managerId, fromDate: from });
      const colleague = (byUnit.get(a.ownerUnitId) ?? []).find((u) => u.id !== a.managerId && u.role === 'MANAGER');
      if (colleague) await services.team.assign(tx, { accountId: a.id, role: 'AFTER_SALES', userId: colleague.id, fromDate: from });
      // Each strategic account's manager has next month's high-level visit on the plan (policy 002: 沟通计划).
      await services.plans.create(tx, { accountId: a.id, scheduledOn: addDays(asOf, 14), activityType: 'EXECUTIVE_VISIT', agenda: '季度高层拜访：回顾合作、商定下季度重点 / quarterly executive visit' });
    }
  }
  // Complaints reported more than a month before the demo's day were handled then.
  await services.complaints.closeReportedBefore(tx, addDays(asOf, -30), '历史经营档案：已处理并答复 / handled at the time (imported history)');
  // Next steps agreed more than a month before the demo's day were done a week after they were agreed.
  const old = await em.find(Activity, { select: { id: true, occurredOn: true }, where: { occurredOn: LessThan(addDays(asOf, -30)) } });
  const doneOn = new Map(old.map((a) => [a.id, addDays(a.occurredOn, 7)]));
  const ids = old.map((a) => a.id);
  for (let i = 0; i < ids.length; i += 500) {
    for (const f of await em.find(FollowUpAction, { where: { activityId: In(ids.slice(i, i + 500)), status: FollowUpStatus.OPEN } })) {
      await em.update(FollowUpAction, { id: f.id }, { status: FollowUpStatus.DONE, doneOn: doneOn.get(f.activityId!)!, result: '已完成', version: f.version + 1 });
    }
  }
}
