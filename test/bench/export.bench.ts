/**
 * `npm run bench:export [-- --accounts N --activities M]` — the monthly report and the annex exports
 * at scale (default 10,000 strategic/key accounts and 200,000 activities, in an embedded SQLite
 * database made for the run), against a raw baseline measured in the same run: exceljs' streaming
 * WorkbookWriter fed the same rows.
 *
 * Each measurement runs in its own process, so its peak RSS (sampled every 50 ms) is its own:
 * - report: ReportService.monthlyReport + the workbook, end to end (what `kam export monthly-report` does);
 * - report-writer: the workbook writer alone, fed the computed report (not timed);
 * - report-baseline: exceljs' WorkbookWriter fed the same 明细 and 拜访合规 rows (values only: no styles,
 *   formulas, titles or print setup) — the floor any report writer on exceljs pays; rows = both sheets';
 * - archive: the 附件2 export, end to end; archive-baseline: the same accounts read with one raw
 *   paged SELECT and written by exceljs' WorkbookWriter;
 * - ledger: the 附件4 export (every activity), to show memory stays flat as rows grow 20× — run again
 *   with the JS heap capped at 96 MB: it completes, so the live set stays small whatever the RSS.
 *
 * Each phase runs `--repeat` times (default 3), interleaved; the fastest run counts.
 * Goal (issue 5): ≥ 0.8× the baseline's throughput, memory flat. Figures are printed as measured.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { loadConfig, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { bulkWrite } from '../../src/db/bulk';
import { createServices, type Services } from '../../src/services';
import { systemContext } from '../../src/common/context';
import { ActivityType, IntelTag, RecordSource, Role } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import { nameKey } from '../../src/common/text';
import { Account } from '../../src/modules/accounts/account.entity';
import { emptyAccount } from '../../src/modules/accounts/account.service';
import { Activity } from '../../src/modules/activities/activity.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { Receivable } from '../../src/modules/projects/receivable.entity';
import { Payment } from '../../src/modules/projects/payment.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { ImportAnnex } from '../../src/common/enums';
import { writeMonthlyWorkbook } from '../../src/modules/reports/monthly-workbook';
import { ARCHIVE } from '../../importers/annexes';
import { PRODUCTION_ENV } from '../support/production-env';

interface PhaseResult {
  seconds: number;
  rows: number;
  bytes: number;
  maxRssMb?: number;
}

const TYPES = [ActivityType.MANAGER_VISIT, ActivityType.PHONE_CALL, ActivityType.EXECUTIVE_VISIT, ActivityType.TECHNICAL_EXCHANGE, ActivityType.QUALITY_EXCHANGE, ActivityType.MEETING, ActivityType.SIGNING, ActivityType.COLLECTION];
const TAGS = [IntelTag.COMPETITOR, IntelTag.PERSONNEL_CHANGE, IntelTag.PRODUCT_NEED];

function dbConfig(file: string): DatabaseConfig {
  return { kind: 'sqlite', path: file, url: `sqlite:${file}` };
}

async function open(file: string): Promise<Services> {
  const ds = await openDataSource(dbConfig(file));
  return createServices(ds, { ...loadConfig(PRODUCTION_ENV), database: dbConfig(file) });
}

/** The report month: the last complete month. */
function reportMonth(): string {
  return addDays(`${today().slice(0, 7)}-01`, -1).slice(0, 7);
}

async function seed(file: string, accounts: number, activities: number): Promise<void> {
  const ds = await openDataSource(dbConfig(file), { createDatabase: true });
  await migrate(ds);
  const s = createServices(ds, { ...loadConfig(PRODUCTION_ENV), database: dbConfig(file) });
  const ctx = systemContext('bench');
  const units: number[] = [];
  const managers: number[] = [];
  for (let u = 0; u < 4; u++) {
    const unit = await s.org.createUnit(ctx, { code: `U${u}`, name: `第${u + 1}分公司` });
    units.push(unit.id);
    for (let m = 0; m < 5; m++) managers.push((await s.org.createUser(ctx, { login: `m${u}${m}`, name: `经理${u}${m}`, role: Role.MANAGER, unitId: unit.id })).id);
  }
  const tiers = await ds.getRepository(Tier).find();
  const tierId = (code: string) => tiers.find((t) => t.code === code)!.id;
  const now = new Date();
  const em = ds.manager;
  const year = Number(today().slice(0, 4));
  await ds.transaction(async (tx) => {
    const rows: Partial<Account>[] = [];
    for (let i = 0; i < accounts; i++) {
      const name = `测试客户${i + 1}建设集团有限公司`;
      rows.push({
        ...emptyAccount(), code: `KA${String(i + 1).padStart(6, '0')}`, name, nameKey: nameKey(name), tierId: tierId(i % 3 === 0 ? 'STRATEGIC' : 'KEY'),
        ownerUnitId: units[i % 4], managerId: managers[i % managers.length], registeredOn: `${year - 2}-01-01`, industry: '建筑施工', address: `北京市朝阳区建设路${i}号`,
        annualSalesFen: 100_000_000 + i, expectedContractValueFen: 200_000_000 + i, version: 1, createdAt: now, updatedAt: now,
      });
    }
    await bulkWrite(tx, Account, rows);
  });
  const ids = (await em.find(Account, { select: { id: true } })).map((a) => a.id);
  await ds.transaction(async (tx) => {
    await bulkWrite(tx, Project, ids.map((id, i) => ({ accountId: id, name: `项目${i}`, nameKey: nameKey(`项目${i}`), code: null, status: 'IN_PROGRESS' as Project['status'], contractAmountFen: 1_000_000_00 + i, signedOn: `${year}-${String((i % 12) + 1).padStart(2, '0')}-15`, startOn: null, endOn: null, location: null, unitId: null, managerId: null, source: RecordSource.MANUAL, notes: null, version: 1, createdAt: now, updatedAt: now })));
  });
  const projects = await em.find(Project, { select: { id: true, accountId: true } });
  await ds.transaction(async (tx) => {
    await bulkWrite(tx, Receivable, projects.map((p, i) => ({ accountId: p.accountId, projectId: p.id, dueOn: `${year}-${String((i % 10) + 1).padStart(2, '0')}-28`, amountFen: 500_000_00, description: null, version: 1, createdAt: now, updatedAt: now })));
    await bulkWrite(tx, Payment, projects.map((p, i) => ({ accountId: p.accountId, projectId: p.id, receivedOn: `${year}-${String((i % 10) + 1).padStart(2, '0')}-10`, amountFen: 300_000_00 + i, method: null, reference: null, activityId: null, source: RecordSource.MANUAL, version: 1, createdAt: now, updatedAt: now })));
  });
  const start = addDays(today(), -365);
  for (let base = 0; base < activities; base += 20_000) {
    await ds.transaction(async (tx) => {
      const rows: Partial<Activity>[] = [];
      for (let j = base; j < Math.min(activities, base + 20_000); j++) {
        const type = TYPES[j % TYPES.length];
        rows.push({
          accountId: ids[j % ids.length], managerId: managers[j % managers.length], occurredOn: addDays(start, (j * 7) % 365), type,
          participants: '经理', counterparts: '客户方', subject: `第${j}次${type}`, summary: '沟通合作事宜', outcome: null, nextAction: null, nextActionDue: null,
          projectId: null, intelTags: j % 10 === 0 ? [TAGS[j % 3]] : [], contractAmountFen: null, paymentAmountFen: null,
          naturalKey: `bench-${j}`, source: RecordSource.IMPORT, version: 1, createdAt: now, updatedAt: now,
        });
      }
      await bulkWrite(tx, Activity, rows);
    });
  }
  await ds.destroy();
}

function fileSize(f: string): number {
  return fs.statSync(f).size;
}

async function toFile(out: string, write: (s: fs.WriteStream) => Promise<unknown>): Promise<void> {
  const stream = fs.createWriteStream(out);
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  await write(stream);
  await closed;
}

const phases: Record<string, (db: string, out: string) => Promise<PhaseResult>> = {
  async report(db, out) {
    const s = await open(db);
    const ctx = systemContext('bench');
    const t0 = performance.now();
    const report = await s.reports.monthlyReport(ctx, reportMonth());
    const computed = performance.now();
    await toFile(out, (stream) => s.reports.writeWorkbook(ctx, report, stream));
    const seconds = (performance.now() - t0) / 1000;
    process.stderr.write(`    (report: figures ${((computed - t0) / 1000).toFixed(2)} s, workbook ${((performance.now() - computed) / 1000).toFixed(2)} s)\n`);
    return { seconds, rows: report.rows.length + report.compliance.length, bytes: fileSize(out) };
  },
  async 'report-writer'(db, out) {
    const s = await open(db);
    const report = await s.reports.monthlyReport(systemContext('bench'), reportMonth());
    const t0 = performance.now();
    await toFile(out, (stream) => writeMonthlyWorkbook(report, stream));
    return { seconds: (performance.now() - t0) / 1000, rows: report.rows.length + report.compliance.length, bytes: fileSize(out) };
  },
  async 'report-baseline'(db, out) {
    const s = await open(db);
    const report = await s.reports.monthlyReport(systemContext('bench'), reportMonth());
    const t0 = performance.now();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('明细');
    for (const a of report.rows) {
      ws.addRow([
        a.seq, a.code, a.name, a.tierName, a.unitName, a.managerName, a.signedMonthFen / 1e6, a.signedYtdFen / 1e6, a.signedPrevYtdFen / 1e6, a.signedYoy,
        a.receivedMonthFen / 1e6, a.receivedYtdFen / 1e6, a.receivableFen / 1e6, a.overdueFen / 1e6, a.visits, a.lastExecutiveVisitOn ? new Date(a.lastExecutiveVisitOn) : null,
        a.cadenceCompliant ? '合规' : a.cadenceOverdue.join('、'), a.creditRating, a.events.join('；'), a.risks.join('；'),
      ]).commit();
    }
    ws.commit();
    const cs = wb.addWorksheet('拜访合规');
    report.compliance.forEach((c, i) => {
      cs.addRow([i + 1, c.code, c.name, c.tierName, c.managerName, c.activityType, c.intervalMonths, c.lastOn ? new Date(c.lastOn) : '从未', c.dueOn ? new Date(c.dueOn) : null, c.daysOverdue]).commit();
    });
    cs.commit();
    await wb.commit();
    return { seconds: (performance.now() - t0) / 1000, rows: report.rows.length + report.compliance.length, bytes: fileSize(out) };
  },
  async archive(db, out) {
    const s = await open(db);
    const ctx = systemContext('bench');
    const t0 = performance.now();
    const p = await s.exports.prepare(ctx, ImportAnnex.ARCHIVE);
    let rows = 0;
    await toFile(out, async (stream) => (rows = await s.exports.write(ctx, p, stream)));
    return { seconds: (performance.now() - t0) / 1000, rows, bytes: fileSize(out) };
  },
  async 'archive-baseline'(db, out) {
    const s = await open(db);
    const t0 = performance.now();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('档案');
    ws.addRow(ARCHIVE.columns.map((c) => c.header)).commit();
    let after = 0;
    let rows = 0;
    for (;;) {
      const page: Record<string, unknown>[] = await s.ds.query(
        'SELECT a.*, u.name AS unit_name, m.name AS manager_name, t.name AS tier_name FROM accounts a LEFT JOIN org_units u ON u.id = a.owner_unit_id ' +
          'LEFT JOIN users m ON m.id = a.manager_id LEFT JOIN tiers t ON t.id = a.tier_id WHERE a.id > ? ORDER BY a.id LIMIT 2000',
        [after],
      );
      for (const r of page) {
        ws.addRow([
          ++rows, r.code, r.name, null, r.registered_on ? new Date(String(r.registered_on)) : null, r.credit_code, r.ownership, r.industry, r.scale, r.main_products, r.reputation,
          r.total_assets_fen === null ? null : Number(r.total_assets_fen) / 1e6, r.shareholders, r.address, r.postal_code, r.phone, r.fax, r.email, r.tier_name, null, r.status,
          r.unit_name, r.manager_name, r.expected_contract_value_fen === null ? null : Number(r.expected_contract_value_fen) / 1e6, r.annual_sales_fen === null ? null : Number(r.annual_sales_fen) / 1e6,
          null, null, null, null, null, null, null, null, null, null, null, null, null, r.notes,
        ]).commit();
      }
      if (page.length < 2000) break;
      after = Number(page[page.length - 1].id);
    }
    ws.commit();
    await wb.commit();
    return { seconds: (performance.now() - t0) / 1000, rows, bytes: fileSize(out) };
  },
  async ledger(db, out) {
    const s = await open(db);
    const ctx = systemContext('bench');
    const t0 = performance.now();
    const p = await s.exports.prepare(ctx, ImportAnnex.LEDGER);
    let rows = 0;
    await toFile(out, async (stream) => (rows = await s.exports.write(ctx, p, stream)));
    return { seconds: (performance.now() - t0) / 1000, rows, bytes: fileSize(out) };
  },
};

async function child(phase: string, db: string, out: string): Promise<void> {
  let peak = process.memoryUsage().rss;
  let heap = 0;
  let external = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external);
  };
  const sampler = setInterval(sample, 50);
  const result = await phases[phase](db, out);
  clearInterval(sampler);
  sample();
  result.maxRssMb = Math.round(peak / 1024 / 1024);
  if (process.env.BENCH_MEMORY_DETAIL) process.stderr.write(`    (${phase}: peak heapUsed ${Math.round(heap / 1048576)} MB, external ${Math.round(external / 1048576)} MB)\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

function runPhase(phase: string, db: string, dir: string, heapMb?: number): PhaseResult {
  const node = [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])];
  const out = execFileSync(process.execPath, [...node, __filename, '--phase', phase, '--db', db, '--out', path.join(dir, `${phase}.xlsx`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as PhaseResult;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const phase = arg(args, '--phase');
  if (phase) return child(phase, arg(args, '--db')!, arg(args, '--out')!);
  const accounts = Number(arg(args, '--accounts') ?? process.env.BENCH_ACCOUNTS ?? 10_000);
  const activities = Number(arg(args, '--activities') ?? process.env.BENCH_ACTIVITIES ?? 200_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-bench-export-'));
  const db = path.join(dir, 'bench.sqlite');
  try {
    console.log(`bench:export — ${accounts} strategic/key accounts, ${activities} activities (SQLite), report month ${reportMonth()}`);
    const t0 = performance.now();
    await seed(db, accounts, activities);
    console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const r: Record<string, PhaseResult> = {};
    const heap = arg(args, '--heap') ? Number(arg(args, '--heap')) : undefined;
    const only = arg(args, '--only')?.split(',');
    // Phases interleaved and repeated; the fastest run of each counts (the machine may be shared), its peak RSS the highest.
    const repeat = Number(arg(args, '--repeat') ?? 3);
    for (let i = 0; i < repeat; i++) {
      for (const p of ['report', 'report-writer', 'report-baseline', 'archive', 'archive-baseline', 'ledger']) {
        if (only && !only.includes(p)) continue;
        if (p === 'ledger' && i > 0 && !only) continue; // 200k rows once is enough to show memory stays flat
        const x = runPhase(p, db, dir, heap);
        r[p] = r[p] ? { ...(x.seconds < r[p].seconds ? x : r[p]), maxRssMb: Math.max(x.maxRssMb ?? 0, r[p].maxRssMb ?? 0) } : x;
      }
    }
    // The ledger again with the JS heap capped: completing proves the live set stays small (RSS above is mostly V8's lazy collection).
    if (!only || only.includes('ledger')) r['ledger (96 MB heap)'] = runPhase('ledger', db, dir, 96);
    if (only) {
      for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${JSON.stringify(v)}`);
      return;
    }
    const line = (name: string, x: PhaseResult) =>
      console.log(`  ${name.padEnd(18)} ${x.seconds.toFixed(2).padStart(7)} s  ${String(x.rows).padStart(7)} rows  ${Math.round(x.rows / x.seconds).toString().padStart(8)} rows/s  peak RSS ${String(x.maxRssMb).padStart(4)} MB  ${(x.bytes / 1024 / 1024).toFixed(1)} MB file`);
    for (const [k, v] of Object.entries(r)) line(k, v);
    // Each side wrote the same rows, or the ratios compare different work (bench:smoke fails on this).
    const disagree = [['report', 'report-baseline'], ['report-writer', 'report-baseline'], ['archive', 'archive-baseline'], ['ledger', 'ledger (96 MB heap)']]
      .filter(([x, y]) => r[x].rows !== r[y].rows)
      .map(([x, y]) => `${x} ${r[x].rows} rows vs ${y} ${r[y].rows}`);
    if (disagree.length) {
      console.error(`  the sides disagree: ${disagree.join('; ')}`);
      process.exitCode = 1;
    }
    const ratio = (a: PhaseResult, b: PhaseResult) => a.rows / a.seconds / (b.rows / b.seconds);
    const rw = ratio(r['report-writer'], r['report-baseline']);
    const ar = ratio(r.archive, r['archive-baseline']);
    console.log(`  report workbook writer vs exceljs fed the same rows: ${rw.toFixed(2)}× throughput (goal ≥ 0.8: ${rw >= 0.8 ? 'met' : 'NOT met'})`);
    console.log(`  report end to end (SQL figures + workbook) vs the baseline writer alone: ${ratio(r.report, r['report-baseline']).toFixed(2)}× (the figures' SQL is the difference)`);
    console.log(`  archive export vs raw SELECT + exceljs: ${ar.toFixed(2)}× throughput (goal ≥ 0.8: ${ar >= 0.8 ? 'met' : 'NOT met'})`);
    const capped = r['ledger (96 MB heap)'];
    console.log(`  memory: archive (${r.archive.rows} rows) ${r.archive.maxRssMb} MB vs ledger (${r.ledger.rows} rows) ${r.ledger.maxRssMb} MB peak RSS; the ledger also completes with the heap capped at 96 MB (${capped.seconds.toFixed(1)} s, ${capped.maxRssMb} MB RSS)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
