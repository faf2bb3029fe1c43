/**
 * Review before commit, undo, and the errors workbook (issue 12, deliverables 4–6), through the doors
 * people use: HTTP with fetch, GraphQL, and `kam import undo`, on both databases.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ImportStatus } from '../../src/common/enums';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { openContactFields } from '../../src/modules/contacts/contact-privacy';
import { ImportJob } from '../../src/modules/imports/import-job.entity';
import { ImportJobFile } from '../../src/modules/imports/import-job-file.entity';
import { Account } from '../../src/modules/accounts/account.entity';
import { Activity } from '../../src/modules/activities/activity.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { In, Like } from 'typeorm';
import { ARCHIVE, LEDGER, SUMMARY } from '../../importers/annexes';
import { Tombstone } from '../../src/modules/bi/tombstone.entity';
import { importAnnex } from '../../importers/load/importer';
import { countQueries } from '../../src/db/query-counter';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld, type Who } from '../support/policy-world';
import { exceljsWorkbook, tmpFile, type Cell } from '../support/workbooks';

const KAM = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

interface JobView {
  job: number;
  status: string;
  dryRun: boolean;
  rowsTotal: number;
  rowsProcessed: number;
  progress: number | null;
  etaSeconds: number | null;
  rows: Record<string, number>;
  counts: { errors: number; warnings: number };
}

interface PreviewBody {
  total: number;
  truncated: boolean;
  rows: { row: number; outcome: string; label: string | null; changes: { entity: string; field: string; before: string | null; after: string | null; masked: boolean }[]; errors: { cell: string; code: string }[] }[];
}

describeEachDb('import review, undo and the errors workbook', (t) => {
  let w: PolicyWorld;
  let base: string;
  let code: string;
  let foreign: string;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    base = w.server.url.replace(/\/graphql$/, '');
    code = (await ownedAccount(t().services, w, w.units.hd, w.users.hdManager)).code;
    foreign = (await ownedAccount(t().services, w, w.units.hn, w.users.hnManager)).code;
  });
  afterAll(async () => {
    await w?.close();
  });

  const call = async (who: Who, method: string, route: string, body?: Buffer, name = 'persons.xlsx') => {
    const res = await fetch(base + route, { method, headers: { authorization: `Bearer ${w.key(who)}`, ...(body ? { 'x-file-name': encodeURIComponent(name), 'content-type': 'application/octet-stream' } : {}) }, body });
    return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json()) as Record<string, unknown>) : null, res };
  };
  const settled = async (who: Who, job: number): Promise<JobView> => {
    for (let i = 0; i < 300; i++) {
      const { body } = await call(who, 'GET', `/imports/${job}`);
      if ((body as unknown as JobView).status !== ImportStatus.RUNNING) return body as unknown as JobView;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${job} still running`);
  };
  const personsFile = async (name: string, rows: Cell[][]) => fs.readFileSync(await exceljsWorkbook(tmpFile(name), [{ rows: [['客户编号', '姓名', '手机', '职务'], ...rows] }]));

  it('uploads answer 202 at once; the preview says per row what would happen, each value as the reader may read it; confirm writes', async () => {
    const file = await personsFile('p1.xlsx', [[code, '钱总', '13812345678', '总经理'], [foreign, '孙总', '13900000000', '副总'], ['', '', '', '']]);
    const up = await call('hdManager', 'POST', '/imports/persons', file);
    expect(up.status).toBe(202);
    expect(up.res.headers.get('location')).toBe(`/imports/${(up.body as unknown as JobView).job}`);
    expect(up.body).toMatchObject({ status: 'RUNNING', dryRun: true });
    const job = (up.body as unknown as JobView).job;
    const done = await settled('hdManager', job);
    expect(done).toMatchObject({ status: 'PREVIEW', rowsTotal: 2, rowsProcessed: 2, rows: { valid: 1, invalid: 1, created: 1 }, counts: { errors: 1 } });
    // Nothing is written by an upload.
    expect(await t().services.ds.manager.countBy(Contact, { nameKey: '钱总' })).toBe(0);

    const preview = (await call('hdManager', 'GET', `/imports/${job}/preview`)).body as unknown as PreviewBody;
    expect(preview.rows.map((r) => [r.row, r.outcome])).toEqual([[2, 'created'], [3, 'error']]);
    expect(preview.rows[0].changes).toEqual(expect.arrayContaining([
      { entity: 'Contact', field: 'mobile', before: null, after: '13812345678', masked: false },
      { entity: 'Contact', field: 'title', before: null, after: '总经理', masked: false },
    ]));
    expect(preview.rows[1].errors).toEqual([expect.objectContaining({ cell: 'A3', code: 'FORBIDDEN' })]);
    const onlyErrors = (await call('hdManager', 'GET', `/imports/${job}/preview?outcome=error`)).body as unknown as PreviewBody;
    expect(onlyErrors.rows.map((r) => r.row)).toEqual([3]);

    // A colleague of the unit sees the job, but not the person's mobile (personal data: the account's manager only).
    const other = await w.gql('hdManager2').data<{ importPreview: PreviewBody }>('query($job: ID!) { importPreview(job: $job) { total rows { row outcome changes { field before after masked } } } }', { job: String(job) });
    expect(other.importPreview.rows[0].changes).toEqual(expect.arrayContaining([
      { field: 'mobile', before: null, after: null, masked: true },
      { field: 'name', before: null, after: '钱总', masked: false },
    ]));
    // …nor may they confirm it; another unit does not even see it.
    expect((await call('hdManager2', 'POST', `/imports/${job}/confirm?mode=skip-invalid`)).status).toBe(403);
    expect((await call('hnManager', 'GET', `/imports/${job}/preview`)).status).toBe(404);

    // Atomic would write nothing: refused with the way out.
    const atomic = await call('hdManager', 'POST', `/imports/${job}/confirm`);
    expect([atomic.status, (atomic.body as { error: { code: string } }).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const run = await call('hdManager', 'POST', `/imports/${job}/confirm?mode=skip-invalid&wait=true`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ job, dryRun: false, mode: 'skip-invalid', rows: { total: 2, created: 1, invalid: 1 }, truncated: false, counts: { errors: 1 } });
    expect(await t().services.ds.manager.countBy(Contact, { nameKey: '钱总' })).toBe(1);
    const again = await call('hdManager', 'POST', `/imports/${job}/confirm?mode=skip-invalid`);
    expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([409, 'IMPORT_ALREADY_CONFIRMED']);
    // The upload is not kept once the import ran.
    expect(await t().services.ds.manager.countBy(ImportJobFile, { jobId: job, kind: 'source' })).toBe(0);

    // The rejected rows, ready to fix: bad cell highlighted with its reason, original row number, 错误说明.
    const xlsx = await call('hdManager', 'GET', `/imports/${job}/errors.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, '客户编号', '姓名', '手机', '职务', '原行号', '错误说明']);
    expect(ws.getCell('A2').value).toBe(foreign);
    expect(ws.getCell('E2').value).toBe(`${ws.name}!3`);
    expect(String(ws.getCell('F2').value)).toContain('A3');
    expect((ws.getCell('A2').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
    expect(JSON.stringify(ws.getCell('A2').note)).toContain('FORBIDDEN');
    expect(ws.getCell('B2').note).toBeUndefined();
  });

  it('previews an update cell by cell, confirms through GraphQL with progress, and undoes it', async () => {
    const file = await personsFile('p2.xlsx', [[code, '钱总', '13812345678', '董事长']]);
    const job = ((await call('hdManager', 'POST', '/imports/persons', file)).body as unknown as JobView).job;
    await settled('hdManager', job);
    const preview = (await call('hdManager', 'GET', `/imports/${job}/preview`)).body as unknown as PreviewBody;
    expect(preview.rows).toEqual([expect.objectContaining({ outcome: 'updated', label: code, changes: [{ entity: 'Contact', field: 'title', before: '总经理', after: '董事长', masked: false }] })]);
    const gql = w.gql('hdManager');
    // Only its uploader (or an ADMIN) confirms or previews a job again: a colleague, finance and an analyst are refused, and the job stays a preview.
    for (const who of ['hdManager2', 'finance', 'analyst'] as const) {
      for (const m of ['confirmImport(job: $job) { id }', 'previewImportAgain(job: $job) { id }']) {
        expect([who, m, errorOf(await w.gql(who).request(`mutation($job: ID!) { ${m} }`, { job: String(job) })).code]).toEqual([who, m, 'FORBIDDEN']);
      }
    }
    expect((await settled('hdManager', job)).status).toBe('PREVIEW');
    const confirmed = await gql.data<{ confirmImport: { id: string; status: string; rowsTotal: number } }>('mutation($job: ID!) { confirmImport(job: $job) { id status rowsTotal } }', { job: String(job) });
    expect(confirmed.confirmImport).toMatchObject({ status: 'RUNNING', rowsTotal: 1 });
    type State = { status: string; progress: number | null; etaSeconds: number | null; rowsUpdated: number };
    let state: State = { status: 'RUNNING', progress: null, etaSeconds: null, rowsUpdated: 0 };
    for (let i = 0; i < 300 && state.status === 'RUNNING'; i++) {
      state = (await gql.data<{ importJob: State }>('query($id: ID!) { importJob(id: $id) { status progress etaSeconds rowsUpdated } }', { id: String(job) })).importJob;
      if (state.status === 'RUNNING') await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toEqual({ status: 'SUCCEEDED', progress: 1, etaSeconds: 0, rowsUpdated: 1 });
    const stored = await t().services.ds.manager.findOneByOrFail(Contact, { nameKey: '钱总' });
    expect(stored.title).toBe('董事长');

    // Someone else may not undo it; the importer may, in one audited action.
    expect(errorOf(await w.gql('hdManager2').request('mutation($job: ID!) { undoImport(job: $job) { removed } }', { job: String(job) })).code).toBe('FORBIDDEN');
    const undone = await gql.data<{ undoImport: { removed: number; restored: number; kept: unknown[]; job: { status: string; undoneBy: string } } }>('mutation($job: ID!) { undoImport(job: $job) { removed restored kept { entity } job { status undoneBy } } }', { job: String(job) });
    expect(undone.undoImport).toEqual({ removed: 0, restored: 1, kept: [], job: { status: 'UNDONE', undoneBy: 'apikey:key-hdManager' } });
    const back = await t().services.ds.manager.findOneByOrFail(Contact, { id: stored.id });
    expect([back.title, openContactFields(t().services.keyRing, back).hobbies, back.version]).toEqual(['总经理', null, stored.version + 1]);
    const audit = await t().services.audit.list(w.system, { action: 'import.undo', entityId: String(job) }, { first: 5 });
    expect(await audit.totalCount).toBe(1);
    expect(errorOf(await gql.request('mutation($job: ID!) { undoImport(job: $job) { removed } }', { job: String(job) })).code).toBe('CONFLICT');
  });

  it('undo removes what an import created, puts back what it changed, and keeps (and lists) what changed since', async () => {
    const { services, ds } = { services: t().services, ds: t().services.ds };
    const summary = (rows: Cell[][]) => exceljsWorkbook(tmpFile('s.xlsx'), [{ rows: [['客户编号', '客户名称', '客户级别', '推荐单位', '客户经理', '行业类别'], ...rows] }]);
    // The preview names the new unit and manager as the file writes them (they have no id before the import).
    const staged = ((await call('admin', 'POST', '/imports/summary', fs.readFileSync(await summary([['RV001', '撤销测试一有限公司', '一般', '撤销测试分公司', '撤销经理', '建筑']])), 's0.xlsx')).body as unknown as JobView).job;
    await settled('admin', staged);
    const cells = ((await call('admin', 'GET', `/imports/${staged}/preview`)).body as unknown as PreviewBody).rows[0].changes;
    expect(cells).toEqual(expect.arrayContaining([
      { entity: 'Account', field: 'ownerUnit', before: null, after: '撤销测试分公司', masked: false },
      { entity: 'Account', field: 'manager', before: null, after: '撤销经理', masked: false },
      { entity: 'Account', field: 'tier', before: null, after: 'GENERAL', masked: false },
    ]));
    expect(await ds.manager.countBy(Account, { code: 'RV001' })).toBe(0);
    const first = await call('admin', 'POST', '/imports/summary?wait=true', fs.readFileSync(await summary([['RV001', '撤销测试一有限公司', '一般', '撤销测试分公司', '撤销经理', '建筑'], ['RV002', '撤销测试二有限公司', '一般', '撤销测试分公司', '撤销经理', null]])), 's1.xlsx');
    expect(first.body).toMatchObject({ rows: { created: 2 } });
    const second = await call('admin', 'POST', '/imports/summary?wait=true', fs.readFileSync(await summary([['RV001', '撤销测试一有限公司', '一般', '撤销测试分公司', '撤销经理', '房地产'], ['RV003', '撤销测试三有限公司', '一般', null, null, null]])), 's2.xlsx');
    expect(second.body).toMatchObject({ rows: { created: 1, updated: 1 } });
    const rv2 = await ds.manager.findOneByOrFail(Account, { code: 'RV002' });
    await services.accounts.update(w.system, rv2.id, { notes: '之后手工修改' }, rv2.version);

    // The CLI, as an ADMIN: the second import is undone whole.
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_DATABASE_URL: t().config.database.url };
    const cli = spawnSync(process.execPath, [KAM, 'import', 'undo', String((second.body as { job: number }).job), '--json'], { encoding: 'utf8', env, timeout: 120_000 });
    expect([cli.status, cli.stderr]).toEqual([0, '']);
    expect(JSON.parse(cli.stdout)).toEqual({ job: (second.body as { job: number }).job, status: 'UNDONE', removed: 1, restored: 1, kept: [] });
    expect(await ds.manager.countBy(Account, { code: 'RV003' })).toBe(0);
    expect((await ds.manager.findOneByOrFail(Account, { code: 'RV001' })).industry).toBe('建筑');

    // The first: RV002 was edited since, RV001 was restored since (a change too): both kept and listed.
    const undo = await call('admin', 'POST', `/imports/${(first.body as { job: number }).job}/undo`);
    expect(undo.status).toBe(200);
    const kept = (undo.body as { kept: { entity: string; reason: string }[] }).kept;
    expect(kept.filter((k) => k.entity === 'Account').map((k) => k.reason)).toEqual(['CHANGED_SINCE', 'CHANGED_SINCE']);
    // The unit and manager it created are still in use by the kept accounts: kept, never nulled out.
    expect(kept.map((k) => k.entity).sort()).toEqual(['Account', 'Account', 'OrgUnit', 'User']);
    expect((await ds.manager.findOneByOrFail(Account, { code: 'RV002' })).managerId).not.toBeNull();
    const gone = spawnSync(process.execPath, [KAM, 'import', 'undo', String((first.body as { job: number }).job)], { encoding: 'utf8', env, timeout: 120_000 });
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toContain('已被撤销');
  });

  it('the preview names a manager, before and after, by name and login — never by id', async () => {
    // An account without an owner unit yet: an ADMIN's import may name its manager (the ownership rules).
    const account = await t().services.accounts.create(w.system, { code: 'MG001', name: '经理预览有限公司', managerId: w.users.hdManager.id });
    const file = fs.readFileSync(await exceljsWorkbook(tmpFile('mgr.xlsx'), [{ rows: [['客户编号', '客户名称', '客户经理'], [account.code, account.name, '陈静']] }]));
    const job = ((await call('admin', 'POST', '/imports/summary', file, 'mgr.xlsx')).body as unknown as JobView).job;
    await settled('admin', job);
    const rows = ((await call('admin', 'GET', `/imports/${job}/preview`)).body as unknown as PreviewBody).rows;
    expect(rows[0].changes).toEqual(expect.arrayContaining([{ entity: 'Account', field: 'manager', before: '周浩然（hdManager）', after: '陈静（hdManager2）', masked: false }]));
    expect(JSON.stringify(rows[0].changes)).not.toMatch(/"#\d+"/);
  });

  it('an undo that fails half-way changes nothing (all or nothing), and can be run again', async () => {
    const { services } = t();
    const ds = services.ds;
    const file = await exceljsWorkbook(tmpFile('all-or-nothing.xlsx'), [{ rows: [['客户编号', '客户名称', '客户级别', '行业类别'], ['AN001', '全有全无一有限公司', '一般', '建筑'], ['AN002', '全有全无二有限公司', '一般', '建筑'], ['AN003', '全有全无三有限公司', '一般', '建筑']] }]);
    const run = await call('admin', 'POST', '/imports/summary?wait=true', fs.readFileSync(file), 'an.xlsx');
    expect(run.body).toMatchObject({ rows: { created: 3 } });
    const job = (run.body as { job: number }).job;
    const accounts = () => ds.query(`SELECT code, version FROM accounts WHERE code IN ('AN001', 'AN002', 'AN003') ORDER BY code`);
    const before = await accounts();
    expect(before).toHaveLength(3);
    // The three accounts, created one after another, are one run of the undo log (one row, not three).
    const logged = (await ds.query(`SELECT entity_id AS first, last_entity_id AS last FROM import_job_changes WHERE job_id = ${job} AND entity = 'Account'`)) as { first: number; last: number | null }[];
    expect(logged).toHaveLength(1);
    expect(Number(logged[0].last) - Number(logged[0].first)).toBe(2);
    // The undo fails (as a dropped connection or a refused write would) right after the run of accounts was removed.
    const proto = Object.getPrototypeOf(services.importReview) as { undoCreatedRun: (...args: unknown[]) => Promise<unknown> };
    const real = proto.undoCreatedRun;
    let calls = 0;
    const spy = jest.spyOn(proto, 'undoCreatedRun').mockImplementation(async function (this: unknown, ...args: unknown[]) {
      calls++;
      const done = (await real.apply(this, args)) as { removed: number };
      expect(done.removed).toBe(3);
      throw new Error('the database went away');
    });
    try {
      await expect(services.importReview.undo(w.system, job)).rejects.toThrow('the database went away');
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(1);
    // Nothing changed: the record already removed is back, the job is not undone nor locked, no audit event.
    expect(await accounts()).toEqual(before);
    const stored = await ds.manager.findOneByOrFail(ImportJob, { id: job });
    expect([stored.status, stored.lockKey, stored.undoneAt]).toEqual([ImportStatus.SUCCEEDED, null, null]);
    expect(await (await services.audit.list(w.system, { action: 'import.undo', entityId: String(job) }, { first: 5 })).totalCount).toBe(0);
    // Run again, it undoes the whole import.
    const again = await services.importReview.undo(w.system, job);
    expect(again.kept).toEqual([]);
    expect(again.removed).toBeGreaterThanOrEqual(3);
    expect(await accounts()).toEqual([]);
  });

  it('undoes a run of created accounts together: groups inside the file go together, what is kept keeps its group', async () => {
    const { services } = t();
    const ds = services.ds;
    const file = await exceljsWorkbook(tmpFile('run-undo.xlsx'), [{ rows: [
      ['客户编号', '单位名称', '客户级别', '上级集团'],
      ['RU-C1', '成批撤销子公司一', '一般', 'RU-P1'], // the group comes later in the file
      ['RU-P1', '成批撤销集团一', '一般', null],
      ['RU-C2', '成批撤销子公司二', '一般', '成批撤销集团一'],
      ['RU-P2', '成批撤销集团二', '一般', null],
      ['RU-C3', '成批撤销子公司三', '一般', 'RU-P2'],
      ['RU-S1', '成批撤销单户一', '一般', null],
      ['RU-S2', '成批撤销单户二', '一般', null],
    ] }]);
    const { report } = await importAnnex(services, w.system, { annex: ARCHIVE, file });
    expect(report.rows.created).toBe(7);
    const byCode = async () => new Map((await ds.manager.find(Account, { where: { code: Like('RU-%') } })).map((a) => [a.code, a]));
    const before = await byCode();
    expect(before.get('RU-C1')!.parentId).toBe(before.get('RU-P1')!.id);
    expect(before.get('RU-C2')!.parentId).toBe(before.get('RU-P1')!.id);
    expect(before.get('RU-C3')!.parentId).toBe(before.get('RU-P2')!.id);
    // Since the import: RU-C3 is edited (so kept, and its group with it), RU-S1 gets a contact (kept: in use).
    const c3 = before.get('RU-C3')!;
    await services.accounts.update(w.system, c3.id, { notes: '导入后修改' }, c3.version);
    await services.contacts.create(w.system, { accountId: before.get('RU-S1')!.id, name: '导入后联系人' });
    const undo = await services.importReview.undo(w.system, report.job);
    expect(undo.kept.map((k) => [k.entity, k.id, k.reason])).toEqual([
      ['Account', before.get('RU-S1')!.id, 'IN_USE'],
      ['Account', c3.id, 'CHANGED_SINCE'],
      ['Account', before.get('RU-P2')!.id, 'IN_USE'],
    ].sort((a, b) => (b[1] as number) - (a[1] as number)));
    expect(undo.removed).toBe(4);
    const after = await byCode();
    expect([...after.keys()].sort()).toEqual(['RU-C3', 'RU-P2', 'RU-S1']);
    // What is kept keeps its link: never nulled out by the removal of its group.
    expect(after.get('RU-C3')!.parentId).toBe(before.get('RU-P2')!.id);

    // An existing account the file puts under a new group: the undo removes the group and puts the link back.
    const existing = await services.accounts.create(w.system, { code: 'RU-EX', name: '成批撤销已有客户' });
    const linking = await exceljsWorkbook(tmpFile('run-undo-2.xlsx'), [{ rows: [['客户编号', '单位名称', '上级集团'], ['RU-EX', '成批撤销已有客户', 'RU-G9'], ['RU-G9', '成批撤销集团九', null]] }]);
    const second = await importAnnex(services, w.system, { annex: ARCHIVE, file: linking });
    expect(second.report.rows.created).toBe(1);
    expect((await ds.manager.findOneByOrFail(Account, { id: existing.id })).parentId).toBe((await ds.manager.findOneByOrFail(Account, { code: 'RU-G9' })).id);
    const undone = await services.importReview.undo(w.system, second.report.job);
    expect([undone.removed, undone.restored, undone.kept]).toEqual([1, 1, []]);
    expect((await ds.manager.findOneByOrFail(Account, { id: existing.id })).parentId).toBeNull();
  });

  it('undoes an import of more than a thousand accounts chunk by chunk, leaving a tombstone for each', async () => {
    const { services } = t();
    const ds = services.ds;
    const file = tmpFile('many-undo.csv');
    fs.writeFileSync(file, ['客户编号,客户名称,客户级别', ...Array.from({ length: 2345 }, (_, i) => `MU${String(i).padStart(5, '0')},成批撤销多户${i}有限公司,一般`)].join('\n') + '\n');
    const { report } = await importAnnex(services, w.system, { annex: SUMMARY, file });
    expect(report.rows.created).toBe(2345);
    const ids = (await ds.manager.find(Account, { select: { id: true }, where: { code: Like('MU%') } })).map((a) => a.id);
    const tombstones = () => ds.manager.countBy(Tombstone, { entity: 'Account', entityId: In(ids) });
    expect(await tombstones()).toBe(0);
    const statements = countQueries(ds, { keep: true });
    let undo;
    try {
      undo = await services.importReview.undo(w.system, report.job);
    } finally {
      statements.stop();
    }
    expect([undo.removed, undo.kept]).toEqual([2345, []]);
    expect(await ds.manager.countBy(Account, { code: Like('MU%') })).toBe(0);
    expect(await tombstones()).toBe(2345);
    // The ids are bound, never written into the SQL: each chunk's statements have one text, prepared once
    // (SQLite held every statement of an id list written out until a GC came: 300–450 MB for 200,000 accounts).
    expect(statements.queries.filter((q) => /IN \((\d+, ){20}/.test(q)).map((q) => q.slice(0, 80))).toEqual([]);
    const deletes = statements.queries.filter((q) => /^DELETE FROM [`"]accounts[`"]/.test(q));
    expect(deletes).toHaveLength(3);
    expect(new Set(deletes).size).toBe(2);
  });

  it('undoing a ledger import keeps, and lists, what records written since refer to', async () => {
    const { services } = t();
    const ds = services.ds;
    const file = await exceljsWorkbook(tmpFile('ledger-undo.xlsx'), [{ rows: [['日期', '客户编号', '活动类型', '主题', '项目名称'], ['2026-03-02', code, '客户经理拜访', '撤销台账拜访', '撤销台账新项目']] }]);
    const { report } = await importAnnex(services, w.system, { annex: LEDGER, file });
    expect(report.rows.created).toBe(1);
    expect(report.warnings.map((x) => x.code)).toContain('PROJECT_CREATED');
    const project = await ds.manager.findOneByOrFail(Project, { name: '撤销台账新项目' });
    // Since the import, someone logs another visit on the project it created.
    const later = await services.activities.create(w.system, { accountId: project.accountId, occurredOn: '2026-03-05', type: 'MANAGER_VISIT', subject: '手工记录的拜访', projectId: project.id });
    const undo = await services.importReview.undo(w.system, report.job);
    expect(undo.kept).toEqual([expect.objectContaining({ entity: 'Project', id: project.id, reason: 'IN_USE' })]);
    expect(undo.kept[0].message).toContain('Activity');
    expect(undo.removed).toBeGreaterThanOrEqual(1);
    expect(await ds.manager.countBy(Activity, { subject: '撤销台账拜访' })).toBe(0);
    expect(await ds.manager.countBy(Project, { id: project.id })).toBe(1);
    expect((await ds.manager.findOneByOrFail(Activity, { id: later.id })).projectId).toBe(project.id);
    expect((await ds.manager.findOneByOrFail(ImportJob, { id: report.job })).status).toBe(ImportStatus.UNDONE);
  });

  it('the files of jobs older than KAM_IMPORT_FILE_RETENTION_DAYS are deleted; the job records stay', async () => {
    const { services } = t();
    const bad = () => personsFile('retention.xlsx', [[code, '保留测试', '123', '经理']]);
    const run = async () => (await call('admin', 'POST', '/imports/persons?wait=true&mode=skip-invalid', await bad(), 'retention.xlsx')).body as { job: number; rows: { invalid: number } };
    const old = await run();
    const recent = await run();
    expect([old.rows.invalid, recent.rows.invalid]).toEqual([1, 1]);
    expect((await call('admin', 'GET', `/imports/${old.job}/errors.xlsx`)).status).toBe(200);
    const ended = new Date(Date.now() - (services.config.importFileRetentionDays + 1) * 86_400_000);
    await services.ds.manager.update(ImportJob, { id: old.job }, { finishedAt: ended });
    const purged = await services.imports.purgeFiles();
    expect(purged.jobs).toBeGreaterThanOrEqual(1);
    expect(await services.imports.hasFile(old.job, 'errors')).toBe(false);
    expect(await services.imports.hasFile(recent.job, 'errors')).toBe(true);
    expect(await services.ds.manager.countBy(ImportJobFile, { jobId: old.job })).toBe(0);
    // The record stays, with its counts and issues; the workbook's absence is explained.
    expect(await services.ds.manager.findOneByOrFail(ImportJob, { id: old.job })).toMatchObject({ rowsInvalid: 1, errorCount: 1 });
    const gone = await call('admin', 'GET', `/imports/${old.job}/errors.xlsx`);
    expect(gone.status).toBe(404);
    expect(JSON.stringify(gone.body)).toContain('KAM_IMPORT_FILE_RETENTION_DAYS');
    expect(JSON.stringify(gone.body)).toContain('NOT_FOUND');
    // A second purge finds nothing more to delete of that job, and keeps the recent one's.
    await services.imports.purgeFiles();
    expect(await services.imports.hasFile(recent.job, 'errors')).toBe(true);
  });

  it('a preview expires: confirming it then is a clear error, and its upload is dropped', async () => {
    const job = ((await call('hdManager', 'POST', '/imports/persons', await personsFile('p3.xlsx', [[code, '李工', '13700000000', '工程师']]))).body as unknown as JobView).job;
    expect((await settled('hdManager', job)).status).toBe('PREVIEW');
    await t().services.ds.manager.update(ImportJob, { id: job }, { expiresAt: new Date(Date.now() - 1000) });
    const late = await call('hdManager', 'POST', `/imports/${job}/confirm`);
    expect([late.status, (late.body as { error: { code: string } }).error.code]).toEqual([410, 'IMPORT_EXPIRED']);
    expect(((await call('hdManager', 'GET', `/imports/${job}`)).body as unknown as JobView).status).toBe('EXPIRED');
    expect(await t().services.ds.manager.countBy(ImportJobFile, { jobId: job, kind: 'source' })).toBe(0);
    expect(errorOf(await w.gql('hdManager').request('mutation($job: ID!) { confirmImport(job: $job) { id } }', { job: String(job) })).reason).toBe('IMPORT_EXPIRED');
  });

  it('an unreadable upload is refused at once, not after the 202', async () => {
    const res = await call('admin', 'POST', '/imports/persons', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024)]), 'old.xls');
    expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([415, 'LEGACY_XLS']);
  });
});
