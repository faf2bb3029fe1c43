/**
 * 附件4 export → import is a no-op for activities entered through GraphQL too (not only for rows that
 * came from a ledger file): the dry run reports nothing to create or update, and the real import
 * leaves every activity and its collection as it was — same version, same source (MANUAL).
 */
import fs from 'node:fs';
import { systemContext } from '../../src/common/context';
import { ImportAnnex, ImportMode } from '../../src/common/enums';
import type { RunningServer } from '../../src/http/server';
import { ANNEXES } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import type { ExportFormat } from '../../importers/write/annex-export';
import { describeEachDb } from '../support/db';
import { createActors, type TestActors } from '../support/fixtures';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { tmpFile } from '../support/workbooks';

const CREATE = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id version source } }`;

describeEachDb('ledger export → import of activities entered through GraphQL', (t) => {
  const ctx = systemContext('test');
  let server: RunningServer;
  let actors: TestActors;
  let gql: (key: string) => GqlClient;

  beforeAll(async () => {
    const s = t().services;
    actors = await createActors(s);
    server = await startTestServer(s);
    gql = (key) => new GqlClient(server.url, key);
    const manager = actors.manager.user!;
    const account = await s.accounts.create(ctx, { code: 'LR1', name: '往返测试建设有限公司', tierCode: 'KEY', ownerUnitId: actors.unit.id, managerId: manager.id });
    const project = await gql(actors.admin.key).data<{ createProject: { id: string } }>(
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
      { input: { accountId: String(account.id), name: '二期厂房', status: 'IN_PROGRESS', contractAmount: 5000 } },
    );
    const inputs: [string, Record<string, unknown>][] = [
      // A manager logs its own visit (managerId defaults to itself), with intelligence tags.
      [actors.manager.key, { occurredOn: '2026-03-02', type: 'MANAGER_VISIT', participants: '周浩然', counterparts: '张总（总经理）', subject: '例行拜访', summary: '了解二期计划', intelTags: ['COMPETITOR', 'PERSONNEL_CHANGE'], nextAction: '报价', nextActionDue: '2026-03-20' }],
      // An admin records a signing and a collection on the project, for the manager.
      [actors.admin.key, { occurredOn: '2026-03-05', type: 'SIGNING', managerId: String(manager.id), subject: '二期签约', projectId: project.createProject.id, contractAmount: 1234.56, paymentAmount: 100.01 }],
      // An admin logs an exchange with no manager, though 我方人员 names one.
      [actors.admin.key, { occurredOn: '2026-03-06', type: 'TECHNICAL_EXCHANGE', participants: '周浩然、技术部王工', summary: '技术方案交流' }],
      // Text a spreadsheet would take for a formula.
      [actors.admin.key, { occurredOn: '2026-03-07', type: 'OTHER', summary: '=1+2 客户来电', outcome: '-已回复' }],
    ];
    for (const [key, input] of inputs) {
      const d = await gql(key).data<{ createActivity: { version: number; source: string } }>(CREATE, { input: { accountId: String(account.id), ...input } });
      expect(d.createActivity).toMatchObject({ version: 1, source: 'MANUAL' });
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  const stored = () =>
    Promise.all([
      t().ds.query('SELECT id, version, source, manager_id, participants, project_id, contract_amount_fen, payment_amount_fen, intel_tags FROM activities ORDER BY id'),
      t().ds.query('SELECT id, version, source, amount_fen, activity_id, project_id FROM payments ORDER BY id'),
    ]);

  const exported = async (format: ExportFormat) => {
    const s = t().services;
    const file = tmpFile(`ledger-roundtrip.${format}`);
    const stream = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const rows = await s.exports.write(ctx, await s.exports.prepare(ctx, ImportAnnex.LEDGER), stream, format);
    await closed;
    expect(rows).toBe(4);
    return file;
  };

  it.each(['xlsx', 'csv'] as const)('the %s dry run finds nothing to create or update', async (format) => {
    const { report } = await importAnnex(t().services, ctx, { annex: ANNEXES[ImportAnnex.LEDGER], file: await exported(format), dryRun: true, mode: ImportMode.ATOMIC });
    expect(report.errors).toEqual([]);
    expect(report.rows).toMatchObject({ total: 4, valid: 4, created: 0, updated: 0, unchanged: 4 });
  });

  it('so does the account manager\'s own dry run (its own import defaults nothing onto recorded activities)', async () => {
    const asManager = { ...ctx, actor: await t().services.auth.actorForLogin(actors.manager.user!.login!) };
    const { report } = await importAnnex(t().services, asManager, { annex: ANNEXES[ImportAnnex.LEDGER], file: await exported('xlsx'), dryRun: true, mode: ImportMode.ATOMIC });
    expect(report.errors).toEqual([]);
    expect(report.rows).toMatchObject({ total: 4, created: 0, updated: 0, unchanged: 4 });
  });

  it('the real import changes nothing: versions, sources, managers and the collection stay', async () => {
    const before = await stored();
    expect(before[1]).toEqual([expect.objectContaining({ source: 'MANUAL' })]);
    const { report } = await importAnnex(t().services, ctx, { annex: ANNEXES[ImportAnnex.LEDGER], file: await exported('xlsx'), dryRun: false, mode: ImportMode.ATOMIC });
    expect(report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(await stored()).toEqual(before);
  });
});
