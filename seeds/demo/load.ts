/**
 * Loads a demo dataset through the services (the same validation users' data goes through), in one
 * transaction: the database gets the whole demo company or nothing.
 */
import { DomainError, ErrorCode } from '../../src/common/errors';
import { RecordSource } from '../../src/common/enums';
import { systemContext, type RequestContext } from '../../src/common/context';
import { inTransaction } from '../../src/db/transaction';
import { Account } from '../../src/modules/accounts/account.entity';
import type { Services } from '../../src/services';
import type { DemoDataset } from './generator';

export interface DemoLoadResult {
  units: number;
  users: number;
  accounts: number;
  contacts: number;
  creditEvaluations: number;
  projects: number;
  receivables: number;
  payments: number;
  activities: number;
}

export async function loadDemoData(services: Services, data: DemoDataset, ctx: RequestContext = systemContext('seed', 'seed')): Promise<DemoLoadResult> {
  if ((await services.ds.getRepository(Account).count()) > 0) {
    throw new DomainError(ErrorCode.INVALID_STATE, 'the database already has accounts; demo data goes only into an empty database');
  }
  return inTransaction(services.ds, ctx, async (tx) => {
    const unitIds = new Map<string, number>();
    for (const u of data.units) {
      const unit = await services.org.createUnit(tx, { code: u.code, name: u.name, kind: u.kind, parentId: u.parentCode ? unitIds.get(u.parentCode) : null });
      unitIds.set(u.code, unit.id);
    }
    const userIds = new Map<string, number>();
    for (const u of data.users) {
      const unitId = unitIds.get(u.unitCode) ?? null;
      const user = await services.org.createUser(tx, { login: u.login, name: u.name, role: u.role, unitId, phone: u.phone, email: u.email });
      userIds.set(`${u.unitCode}/${u.name}`, user.id);
    }
    const accountIds = new Map<string, number>();
    for (const a of data.accounts) {
      const account = await services.accounts.create(tx, {
        ...a,
        parentId: a.parentCode ? accountIds.get(a.parentCode) : null,
        ownerUnitId: unitIds.get(a.ownerUnitCode),
        managerId: userIds.get(`${a.ownerUnitCode}/${a.managerName}`),
        source: RecordSource.DEMO,
      });
      accountIds.set(a.code, account.id);
    }
    const acc = (code: string) => accountIds.get(code) as number;
    await services.contacts.createMany(
      tx,
      data.contacts.map((c) => ({ ...c, accountId: acc(c.accountCode), consentAt: c.consentAt ? new Date(c.consentAt) : null, source: RecordSource.DEMO })),
    );
    await services.credit.createMany(tx, data.credit.map((c) => ({ ...c, accountId: acc(c.accountCode) })));
    let receivables = 0;
    let payments = 0;
    for (const p of data.projects) {
      const project = await services.projects.createProject(tx, {
        ...p,
        accountId: acc(p.accountCode),
        unitId: unitIds.get(p.unitCode),
        managerId: userIds.get(`${p.unitCode}/${p.managerName}`),
        source: RecordSource.DEMO,
      });
      await services.projects.createManyReceivables(tx, p.receivables.map((x) => ({ ...x, accountId: project.accountId, projectId: project.id })));
      await services.projects.createManyPayments(tx, p.payments.map((x) => ({ ...x, accountId: project.accountId, projectId: project.id, source: RecordSource.DEMO })));
      receivables += p.receivables.length;
      payments += p.payments.length;
    }
    await services.activities.createMany(
      tx,
      data.activities.map((a) => ({
        ...a,
        accountId: acc(a.accountCode),
        managerId: userIds.get(`${a.unitCode}/${a.managerName}`),
        source: RecordSource.DEMO,
      })),
    );
    return {
      units: data.units.length,
      users: data.users.length,
      accounts: data.accounts.length,
      contacts: data.contacts.length,
      creditEvaluations: data.credit.length,
      projects: data.projects.length,
      receivables,
      payments,
      activities: data.activities.length,
    };
  });
}
