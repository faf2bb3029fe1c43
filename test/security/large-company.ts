/**
 * A large company, written fast with multi-row INSERTs (bulkWrite) instead of the services: what the
 * flooding tests aggregate over. Deterministic; dates spread over the last year so the default period
 * (this year) and a twelve-month MONTH grouping both see most of it.
 */
import type { Services } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { ActivityType, RecordSource, Role } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import { nameKey } from '../../src/common/text';
import { bulkWrite } from '../../src/db/bulk';
import { Account } from '../../src/modules/accounts/account.entity';
import { emptyAccount } from '../../src/modules/accounts/account.service';
import { Activity } from '../../src/modules/activities/activity.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { Receivable } from '../../src/modules/projects/receivable.entity';
import { Payment } from '../../src/modules/projects/payment.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';

export interface CompanySize {
  accounts: number;
  activities: number;
  /** Projects per account; each has two receivables and one payment. */
  projectsPerAccount: number;
}

const TYPES = [ActivityType.MANAGER_VISIT, ActivityType.PHONE_CALL, ActivityType.EXECUTIVE_VISIT, ActivityType.TECHNICAL_EXCHANGE, ActivityType.QUALITY_EXCHANGE, ActivityType.MEETING, ActivityType.SIGNING];
const TIERS = ['STRATEGIC', 'KEY', 'MAJOR', 'GENERAL'];

/** Writes the company; returns how many rows of each table it wrote. */
export async function seedLargeCompany(s: Services, size: CompanySize): Promise<Record<string, number>> {
  const ctx = systemContext('seed-large');
  const ds = s.ds;
  const units: number[] = [];
  const managers: number[] = [];
  for (let u = 0; u < 4; u++) {
    const unit = await s.org.createUnit(ctx, { code: `LU${u}`, name: `第${u + 1}分公司` });
    units.push(unit.id);
    for (let m = 0; m < 5; m++) managers.push((await s.org.createUser(ctx, { login: `lm${u}${m}`, name: `经理${u}${m}`, role: Role.MANAGER, unitId: unit.id })).id);
  }
  const tiers = await ds.getRepository(Tier).find();
  const tierId = (code: string) => tiers.find((t) => t.code === code)!.id;
  const now = new Date();
  const end = today();
  const start = addDays(end, -364);
  const day = (i: number) => addDays(start, (i * 7) % 365);
  await ds.transaction(async (tx) => {
    const rows: Partial<Account>[] = [];
    for (let i = 0; i < size.accounts; i++) {
      const name = `大型测试客户${i + 1}集团有限公司`;
      rows.push({
        ...emptyAccount(), code: `LA${String(i + 1).padStart(6, '0')}`, name, nameKey: nameKey(name), tierId: tierId(TIERS[i % 4]),
        ownerUnitId: units[i % 4], managerId: managers[i % managers.length], registeredOn: addDays(start, -30), industry: ['建筑施工', '电力', '电梯配件'][i % 3],
        annualSalesFen: 100_000_000 + i, expectedContractValueFen: 200_000_000 + i, version: 1, createdAt: now, updatedAt: now,
      });
    }
    await bulkWrite(tx, Account, rows);
  });
  const ids = (await ds.manager.find(Account, { select: { id: true }, order: { id: 'ASC' } })).map((a) => a.id);
  await ds.transaction(async (tx) => {
    const rows: Partial<Project>[] = [];
    ids.forEach((accountId, i) => {
      for (let k = 0; k < size.projectsPerAccount; k++) {
        const n = i * size.projectsPerAccount + k;
        rows.push({
          accountId, name: `项目${n}`, nameKey: nameKey(`项目${n}`), code: null, status: 'IN_PROGRESS' as Project['status'], contractAmountFen: 1_000_000_00 + n,
          signedOn: day(n), startOn: null, endOn: null, location: null, unitId: null, managerId: null, source: RecordSource.MANUAL, notes: null, version: 1, createdAt: now, updatedAt: now,
        });
      }
    });
    await bulkWrite(tx, Project, rows);
  });
  const projects = await ds.manager.find(Project, { select: { id: true, accountId: true }, order: { id: 'ASC' } });
  await ds.transaction(async (tx) => {
    await bulkWrite(tx, Receivable, projects.flatMap((p, i) => [0, 1].map((k) => ({ accountId: p.accountId, projectId: p.id, dueOn: day(i + 40 * k), amountFen: 500_000_00, description: null, version: 1, createdAt: now, updatedAt: now }))));
    await bulkWrite(tx, Payment, projects.map((p, i) => ({ accountId: p.accountId, projectId: p.id, receivedOn: day(i + 20), amountFen: 300_000_00 + i, method: null, reference: null, activityId: null, source: RecordSource.MANUAL, version: 1, createdAt: now, updatedAt: now })));
  });
  for (let base = 0; base < size.activities; base += 10_000) {
    await ds.transaction(async (tx) => {
      const rows: Partial<Activity>[] = [];
      for (let j = base; j < Math.min(size.activities, base + 10_000); j++) {
        const type = TYPES[j % TYPES.length];
        rows.push({
          accountId: ids[j % ids.length], managerId: managers[j % managers.length], occurredOn: day(j), type,
          participants: '经理', counterparts: '客户方', subject: `第${j}次${type}`, summary: '沟通合作事宜', outcome: null, nextAction: null, nextActionDue: null,
          projectId: null, intelTags: [], contractAmountFen: type === ActivityType.SIGNING ? 50_000_00 + j : null, paymentAmountFen: null,
          naturalKey: `large-${j}`, source: RecordSource.IMPORT, version: 1, createdAt: now, updatedAt: now,
        });
      }
      await bulkWrite(tx, Activity, rows);
    });
  }
  return { accounts: ids.length, projects: projects.length, receivables: projects.length * 2, payments: projects.length, activities: size.activities };
}
