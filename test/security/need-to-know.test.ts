/**
 * Need-to-know (issue 18): a role × field matrix GENERATED from the classification
 * (src/modules/privacy/data-classes.ts), through every door that reads: GraphQL over HTTP (each
 * classified field on every route listed here — and a test that fails when a classified type has no
 * route) and the annex exports. The expectations are written from the policy, not from the code:
 * 企业机密 for ADMIN, COMMITTEE, FINANCE and the account's own unit; personal data for ADMIN, COMMITTEE
 * and the account's manager; an ADMIN grant widens 企业机密 to a role, never personal data.
 */
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { ImportAnnex, Role } from '../../src/common/enums';
import { kamSchema } from '../../src/http/schema';
import { ANNEXES } from '../../importers/annexes';
import { DataClass, classifiedFields } from '../../src/modules/privacy/data-classes';
import type { Account } from '../../src/modules/accounts/account.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, ownedAccount, type PolicyWorld, type Who } from '../support/policy-world';

const ROLES: Who[] = ['admin', 'committee', 'finance', 'hdManager', 'hdManager2', 'hnManager', 'analyst'];

/** Who reads each class in full, from the policy (hdManager manages the account; hdManager2 is of its unit). */
const READS: Record<Exclude<DataClass, DataClass.INTERNAL>, Who[]> = {
  [DataClass.CONFIDENTIAL]: ['admin', 'committee', 'finance', 'hdManager', 'hdManager2'],
  [DataClass.PERSONAL]: ['admin', 'committee', 'hdManager'],
  [DataClass.SENSITIVE]: ['admin', 'committee', 'hdManager'],
};

/** Query routes to each classified type, `$F` standing for its classified fields. */
const ROUTES: Record<string, (ids: Record<string, number>) => string[]> = {
  Account: (i) => [`{ account(id: "${i.account}") { $F } }`, `{ accounts(first: 5, filter: { ids: ["${i.account}"] }) { nodes { $F } } }`],
  Contact: (i) => [`{ contact(id: "${i.contact}") { $F } }`, `{ account(id: "${i.account}") { contacts { $F } } }`, `{ contacts(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`],
  CreditEvaluation: (i) => [`{ creditEvaluations(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`],
  Project: (i) => [`{ projects(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`, `{ account(id: "${i.account}") { projects { $F } } }`],
  Receivable: (i) => [`{ receivables(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`],
  Payment: (i) => [`{ payments(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`],
  Activity: (i) => [`{ activities(first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`, `{ account(id: "${i.account}") { activities { $F } } }`],
  YearEndAssessment: (i) => [`{ yearEndReview(year: 2025, first: 5, filter: { accountIds: ["${i.account}"] }) { nodes { $F } } }`],
  AccountStatsRow: (i) => [`{ accountStats(groupBy: [ACCOUNT], from: "2025-01-01", to: "2025-12-31", filter: { ids: ["${i.account}"] }) { rows { $F } } }`],
  ProjectStatsRow: (i) => [`{ projectStats(groupBy: [ACCOUNT], filter: { ids: ["${i.account}"] }) { $F } }`],
};

function classifiedInSchema(schema: GraphQLSchema): { type: string; field: string; dataClass: DataClass }[] {
  return classifiedFields().filter((c) => {
    const t = schema.getType(c.type);
    return c.dataClass !== DataClass.INTERNAL && isObjectType(t) && t.getFields()[c.field] !== undefined;
  });
}

/** Every value under a key named `field` anywhere in `data`. */
function valuesOf(data: unknown, field: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === field) out.push(x);
        else walk(x);
      }
    }
  };
  walk(data);
  return out;
}

const isMasked = (field: string, v: unknown) => v === null || (field === 'name' && typeof v === 'string' && /^.\*+$/u.test(v)) || (field === 'mobile' && /^\d{3}\*{4}\d{4}$/.test(String(v)));

describeEachDb('need-to-know for confidential and personal data', (t) => {
  let w: PolicyWorld;
  let account: Account;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const { services: s } = t();
    w = await createPolicyWorld(s);
    account = await ownedAccount(s, w, w.units.hd, w.users.hdManager, { annualSales: 26_000_000, expectedContractValue: 250_000_000, notes: '价格底线 95 折' });
    ids.account = account.id;
    ids.contact = (await s.contacts.create(w.system, {
      accountId: account.id, name: '孙丽', title: '采购经理', email: 'sunli@example.com', birthday: '1980-05-06', notes: '喜欢直接沟通', mobile: '13812341234',
      hobbies: '网球', familyInfo: '配偶、一子', homeAddress: '上海市徐汇区某路1号', consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面',
    })).id;
    await s.credit.create(w.system, {
      accountId: account.id, year: 2025, performance: '良好', paymentRecord: '按期', contractMode: '总价', biddingMethod: '邀标', contractHabits: '预付 30%',
      priceLevel: '偏低', paymentCapacity: '强', managementCapacity: '较强', score: 88, rating: 'AA', decision: 'MAINTAIN', evaluator: '王伟', notes: '重点跟进',
    });
    const project = await s.projects.createProject(w.system, { accountId: account.id, name: '机密项目', status: 'IN_PROGRESS', contractAmount: 8_000_000, signedOn: '2025-03-01', notes: '让利 5%' });
    await s.projects.createReceivable(w.system, { accountId: account.id, projectId: project.id, dueOn: '2025-06-30', amount: 2_000_000, description: '二期进度款' });
    await s.projects.createPayment(w.system, { accountId: account.id, projectId: project.id, receivedOn: '2025-04-01', amount: 1_000_000, reference: 'BANK-778' });
    await s.activities.create(w.system, { accountId: account.id, occurredOn: '2025-05-05', type: 'SIGNING', subject: '补充协议', contractAmount: 500_000, paymentAmount: 300_000 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('every classified field of the schema has a route in this matrix', async () => {
    const schema = await kamSchema();
    const missing = classifiedInSchema(schema).filter((c) => !ROUTES[c.type]).map((c) => `${c.type}.${c.field}`);
    expect(missing).toEqual([]);
  });

  it('GraphQL: each role reads each classified field in full or masked, as the policy says, on every route', async () => {
    const schema = await kamSchema();
    const byType = new Map<string, { field: string; dataClass: DataClass }[]>();
    for (const c of classifiedInSchema(schema)) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
    const covered = new Set<string>();
    for (const [type, fields] of byType) {
      for (const route of ROUTES[type](ids)) {
        const query = route.replace('$F', fields.map((f) => f.field).join(' '));
        const clear = await w.gql('admin').data(query);
        for (const role of ROLES) {
          const r = await w.gql(role).request(query);
          expect([role, query, r.errors ?? []]).toEqual([role, query, []]);
          for (const { field, dataClass } of fields) {
            const want = valuesOf(clear, field);
            const got = valuesOf(r.data, field);
            const label = `${role} ${type}.${field} via ${route.slice(0, 40)}`;
            // Data came back (the route reaches the record) and the admin's values are real.
            expect([label, got.length > 0, want.some((v) => v !== null)]).toEqual([label, true, true]);
            if (READS[dataClass as Exclude<DataClass, DataClass.INTERNAL>].includes(role)) expect([label, got]).toEqual([label, want]);
            else for (const v of got) expect([label, isMasked(field, v)]).toEqual([label, true]);
            covered.add(`${type}.${field}`);
          }
        }
      }
    }
    expect([...covered].sort()).toEqual(classifiedInSchema(schema).map((c) => `${c.type}.${c.field}`).sort());
  });

  it('an ADMIN grant widens 企业机密 to a role, never personal data; revoking takes it back', async () => {
    const { services: s } = t();
    const q = `{ account(id: "${ids.account}") { notes annualSales contacts { name email notes } } }`;
    const before = await w.gql('analyst').data<{ account: { notes: string | null; annualSales: number | null; contacts: { name: string; email: string | null; notes: string | null }[] } }>(q);
    expect(before.account).toEqual({ notes: null, annualSales: null, contacts: [{ name: '孙*', email: null, notes: null }] });
    const grant = await s.needToKnow.grant(w.as('admin'), { role: Role.ANALYST, dataClass: DataClass.CONFIDENTIAL, note: 'BI 全量金额' });
    await expect(s.needToKnow.grant(w.as('admin'), { role: Role.ANALYST, dataClass: DataClass.PERSONAL, note: '不可' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(s.needToKnow.grant(w.as('committee'), { role: Role.MANAGER, dataClass: DataClass.CONFIDENTIAL, note: '不可' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const granted = await w.gql('analyst').data<typeof before>(q);
    expect(granted.account).toEqual({ notes: '价格底线 95 折', annualSales: 26_000_000, contacts: [{ name: '孙丽', email: null, notes: null }] });
    await s.needToKnow.revoke(w.as('admin'), grant.id, 'BI 项目结束');
    expect((await w.gql('analyst').data<typeof before>(q)).account.annualSales).toBeNull();
  });

  it('exports mask the same columns for the same callers', async () => {
    const { services: s } = t();
    const exportAs = async (who: Who, annex: ImportAnnex) => {
      const ctx = who === 'admin' ? w.as('admin') : w.as(who);
      const prepared = await s.exports.prepare(ctx, annex, { accounts: { ids: [account.id] } });
      const chunks: Buffer[] = [];
      await s.exports.write(ctx, prepared, new Writable({ write: (c, _e, done) => (chunks.push(Buffer.from(c)), done()) }), 'csv');
      const rows = parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
      return { header: rows[0], body: rows.slice(1) };
    };
    for (const annex of [ImportAnnex.ARCHIVE, ImportAnnex.PERSONS, ImportAnnex.LEDGER]) {
      const spec = ANNEXES[annex];
      const clear = await exportAs('admin', annex);
      for (const role of ROLES) {
        const got = await exportAs(role, annex);
        expect(got.header).toEqual(clear.header);
        expect(got.body.length).toBe(clear.body.length);
        for (const col of spec.columns) {
          const m = /^(\w+)\.(\w+)/.exec(col.target);
          const cls = m ? classifiedFields().find((c) => c.type === m[1] && c.field === m[2])?.dataClass : undefined;
          if (!cls || cls === DataClass.INTERNAL || col.key === 'mobile') continue;
          const i = clear.header.indexOf(clear.header.find((h) => h.startsWith(col.header)) as string);
          for (let r = 0; r < clear.body.length; r++) {
            const label = `${role} ${annex} ${col.header}`;
            if (clear.body[r][i] === '') continue;
            if (READS[cls as Exclude<DataClass, DataClass.INTERNAL>].includes(role)) expect([label, got.body[r][i]]).toEqual([label, clear.body[r][i]]);
            else expect([label, got.body[r][i] === '' || /^.\*+$/u.test(got.body[r][i])]).toEqual([label, true]);
          }
        }
      }
    }
  });

  it('reports are for those who read every account: FINANCE, COMMITTEE and ADMIN', async () => {
    for (const role of ROLES) {
      const r = await w.gql(role).request('{ monthlyReport(month: "2025-05") { month } }');
      const allowed = ['admin', 'committee', 'finance'].includes(role);
      expect([role, allowed ? r.errors ?? [] : r.errors?.[0]?.extensions?.code]).toEqual([role, allowed ? [] : 'FORBIDDEN']);
    }
  });
});
