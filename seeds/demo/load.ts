/**
 * Loads a demo dataset the way a company would: units and users through the services, then the annex
 * workbooks (附件2 archives with credit evaluations, 附件3 persons, 附件4 ledger) through the annex
 * importer, then projects, receivables and payments (which no annex carries) through the services —
 * in one transaction: the database gets the whole demo company or nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARCHIVE, LEDGER, PERSONS } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { writeDemoAnnexes } from './annexes';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { RecordSource } from '../../src/common/enums';
import { systemContext, type RequestContext } from '../../src/common/context';
import { inTransaction } from '../../src/db/transaction';
import { Account } from '../../src/modules/accounts/account.entity';
import type { Services } from '../../src/services';
import type { DemoDataset } from './generator';
import { seedDemoPolicies } from './policies';

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

export interface DemoLoadOptions {
  /** Keep the annex workbooks in this directory (default: a temp directory, removed afterwards). */
  annexDir?: string;
}

export async function loadDemoData(services: Services, data: DemoDataset, ctx: RequestContext = systemContext('seed', 'seed'), options: DemoLoadOptions = {}): Promise<DemoLoadResult> {
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
    const dir = options.annexDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kam-demo-'));
    try {
      const files = await writeDemoAnnexes(data, dir);
      const run = async (annex: typeof ARCHIVE, file: string) => {
        const { report } = await importAnnex(services, tx, { annex, file, today: data.asOf });
        if (report.errors.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, `demo ${annex.annex} ${path.basename(file)}: ${report.errors[0].cell} ${report.errors[0].message}`);
      };
      for (const f of files.archives) await run(ARCHIVE, f);
      await run(PERSONS, files.persons);
      await run(LEDGER, files.ledger);
    } finally {
      if (!options.annexDir) fs.rmSync(dir, { recursive: true, force: true });
    }
    const accountIds = new Map<string, number>();
    for (const a of await tx.em!.find(Account, { select: { id: true, code: true } })) accountIds.set(a.code, a.id);
    const acc = (code: string) => accountIds.get(code) as number;
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
    await seedDemoPolicies(services, tx, data.asOf);
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
