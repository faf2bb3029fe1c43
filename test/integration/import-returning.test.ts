/**
 * New records' ids: from INSERT … RETURNING (SQLite, MariaDB), or — on MySQL, which has none — found again
 * by their natural keys. Both paths run here on each database: the undo log must name exactly the records
 * each import created (accounts, persons, activities, payments), and undoing the imports removes them all.
 */
import fs from 'node:fs';
import { systemContext } from '../../src/common/context';
import { pinInsertReturning } from '../../src/db/bulk';
import { LEDGER, PERSONS, SUMMARY } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import { describeEachDb } from '../support/db';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';

const TODAY = '2026-06-30';

describeEachDb('import ids with and without INSERT … RETURNING', (t) => {
  const ctx = systemContext('test');

  for (const returning of [true, false]) {
    it(`${returning ? 'as the INSERT returns them' : 'found again by natural key (the MySQL path)'}: the undo log names exactly the created records; undo removes them`, async () => {
      const { services } = t();
      const ds = services.ds;
      const tag = returning ? 'R' : 'N';
      const q = async (sql: string, params: unknown[] = []) => (await ds.query(sql, params)) as Record<string, unknown>[];
      const idsOf = async (sql: string, params: unknown[]) => (await q(sql, params)).map((r) => Number(r.id)).sort((a, b) => a - b);
      /** The ids an import's undo log says it created, per entity (runs expanded). */
      const logged = async (job: number, entity: string) => {
        const out: number[] = [];
        for (const r of await q(`SELECT entity_id AS first, last_entity_id AS last FROM import_job_changes WHERE job_id = ? AND entity = ? AND action = 'created'`, [job, entity])) {
          for (let id = Number(r.first); id <= Number(r.last ?? r.first); id++) out.push(id);
        }
        return out.sort((a, b) => a - b);
      };
      pinInsertReturning(ds, returning ? null : false);
      try {
        const codes = [1, 2, 3].map((i) => `${tag}RT00${i}`);
        const summary = await importAnnex(services, ctx, {
          annex: SUMMARY, today: TODAY,
          file: await exceljsWorkbook(tmpFile(`${tag}-s.xlsx`), [{ rows: [['客户编号', '客户名称', '客户级别'], ...codes.map((c, i) => [c, `返回编号测试${tag}${i}有限公司`, '一般'])] }]),
        });
        expect(summary.report.rows.created).toBe(3);
        const persons = await importAnnex(services, ctx, {
          annex: PERSONS, today: TODAY,
          file: await exceljsWorkbook(tmpFile(`${tag}-p.xlsx`), [{ rows: [['客户编号', '姓名', '职务'], ...codes.flatMap((c, i) => [[c, `甲${tag}${i}`, '经理'], [c, `乙${tag}${i}`, '采购']])] }]),
        });
        expect(persons.report.rows.created).toBe(6);
        const ledgerFile = tmpFile(`${tag}-l.csv`);
        fs.writeFileSync(ledgerFile, ['日期,客户编号,活动类型,主题,内容摘要,项目名称,合同金额（万元）,回款金额（万元）', ...codes.flatMap((c, i) => [`2026-05-0${i + 1},${c},拜访,拜访${i},内容${i},,,`, `2026-05-1${i + 1},${c},回款,回款${i},内容${i},,,${i + 1}`])].join('\n') + '\n');
        const ledger = await importAnnex(services, ctx, { annex: LEDGER, today: TODAY, file: ledgerFile });
        expect(ledger.report.rows.created).toBe(6);

        const accounts = await idsOf(`SELECT id FROM accounts WHERE code IN (?, ?, ?)`, codes);
        const inAccounts = `IN (${accounts.join(', ')})`;
        const contacts = await idsOf(`SELECT id FROM contacts WHERE account_id ${inAccounts}`, []);
        const activities = await idsOf(`SELECT id FROM activities WHERE account_id ${inAccounts}`, []);
        const payments = await idsOf(`SELECT id FROM payments WHERE activity_id IN (${activities.join(', ')})`, []);
        expect([accounts.length, contacts.length, activities.length, payments.length]).toEqual([3, 6, 6, 3]);
        expect(await logged(summary.report.job, 'Account')).toEqual(accounts);
        expect(await logged(persons.report.job, 'Contact')).toEqual(contacts);
        expect(await logged(ledger.report.job, 'Activity')).toEqual(activities);
        expect(await logged(ledger.report.job, 'Payment')).toEqual(payments);

        for (const job of [ledger.report.job, persons.report.job, summary.report.job]) expect((await services.importReview.undo(ctx, job)).kept).toEqual([]);
        expect(await idsOf(`SELECT id FROM accounts WHERE code IN (?, ?, ?)`, codes)).toEqual([]);
        expect(await idsOf(`SELECT id FROM contacts WHERE id IN (${contacts.join(', ')}) UNION SELECT id FROM activities WHERE id IN (${activities.join(', ')})`, [])).toEqual([]);
      } finally {
        pinInsertReturning(ds, null);
      }
    });
  }
});
