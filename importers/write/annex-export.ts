/**
 * Annex exports: 附件1–4 written in each annex's own layout, built from the import specs in
 * `importers/annexes` (same columns, headers with their units, two-level headers where the annex
 * groups columns, title and 导出 line above like the blank template) — so exporting and importing the
 * file again finds every row unchanged.
 *
 * Streamed: rows are read from the database a page at a time (keyset by id) and written through the
 * exceljs streaming writer (inline strings), so memory stays flat for any number of rows.
 *
 * Cell values follow the importer's coercion backwards: enums as their Chinese label, tiers and
 * management levels by name, units and managers by name, amounts in the header's unit (万元), dates
 * as date serials, 信息采集同意时间 as Beijing wall-clock time, 在职状态 as 在职/离职. A person's 手机 and
 * 🔒 fields go through the privacy rule (`revealContactField`): FINANCE or ANALYST callers get them
 * masked, ADMIN and COMMITTEE in full.
 */
import { say } from '../../src/common/messages';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { ListQuery } from '../../src/db/list-query';
import { readWhereIn } from '../../src/db/hydrate';
import type { RequestContext } from '../../src/common/context';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { assertLocalDate, today, type LocalDate } from '../../src/common/dates';
import { managerFor } from '../../src/db/transaction';
import { ANNEXES, type AnnexSpec, type ColumnSpec } from '../annexes';
import { CREDIT_KEYS } from '../annexes/accounts';
import { headerText } from './template';
import { columnLetter } from '../read/issues';
import { ImportAnnex } from '../../src/common/enums';
import { Account } from '../../src/modules/accounts/account.entity';
import { applyAccountFilter, type AccountFilter, type AccountService } from '../../src/modules/accounts/account.service';
import { Activity } from '../../src/modules/activities/activity.entity';
import type { AuditService } from '../../src/modules/audit/audit.service';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { PRIVATE_CONTACT_FIELDS, revealContactField } from '../../src/modules/contacts/contact-privacy';
import type { KeyRing } from '../../src/common/field-crypto';
import type { NeedToKnowService } from '../../src/modules/privacy/need-to-know.service';
import { DataClass, classOf } from '../../src/modules/privacy/data-classes';
import { maskName, mayRead } from '../../src/modules/privacy/need-to-know.rules';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import { OrgUnit } from '../../src/modules/org/org-unit.entity';
import { User } from '../../src/modules/org/user.entity';
import { ManagementLevel } from '../../src/modules/tiers/management-level.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { Payment } from '../../src/modules/projects/payment.entity';
import { OutputClosedError, keepUp, streamingWorkbook } from '../../src/modules/reports/xlsx-stream';
import { DATE_FORMAT, csvLine, csvText, dateCell, headerFooterText, textCell } from '../../src/modules/reports/cell-values';

/** Rows read per database round trip. */
export const EXPORT_PAGE = 2000;

export interface AnnexExportFilter {
  /** Which accounts (and their persons / ledger rows). */
  accounts?: AccountFilter | null;
  /** Ledger: activities on or after. */
  from?: LocalDate | null;
  /** Ledger: activities on or before. */
  to?: LocalDate | null;
}

export type ExportFormat = 'xlsx' | 'csv';

/** `附件2 大客户信息管理档案-2026-11-23.xlsx` */
export function annexFileName(spec: AnnexSpec, format: ExportFormat, on: LocalDate = today()): string {
  return `${spec.title}-${on}.${format}`;
}

type Values = Record<string, unknown>;
type EmitPage = (page: { account: Account; values: Values }[]) => Promise<void>;

/**
 * Reads a contact's sensitive fields for the caller: the one place exports touch them (see
 * contact-privacy.ts). A stored value failing its integrity check is left blank and counted in
 * `broken`, so one tampered row does not stop everyone's export (the audit event says how many).
 */
function personalFields(ring: KeyRing, ctx: RequestContext, c: Contact, account: Pick<Account, 'managerId'>, broken: { count: number }): Values {
  const out: Values = {};
  for (const f of PRIVATE_CONTACT_FIELDS) {
    try {
      out[f] = revealContactField(ring, ctx, c, f, account);
    } catch (e) {
      if (!(e instanceof DomainError) || (e.code !== ErrorCode.DATA_INTEGRITY && e.code !== ErrorCode.DATA_KEY_UNKNOWN)) throw e;
      out[f] = null;
      broken.count++;
    }
  }
  return out;
}

/** The class of the field a column writes (its spec's target, `Entity.field …`). */
function columnClass(col: ColumnSpec): DataClass {
  const m = /^(\w+)\.(\w+)/.exec(col.target ?? '');
  return m ? classOf(m[1], m[2]) : DataClass.INTERNAL;
}

/** A parsed-row value as the importer's coercion would read it back from a cell. */
function cellValue(col: ColumnSpec, v: unknown): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  switch (col.type) {
    case 'ignore':
      return v as number;
    case 'date':
      return dateCell(String(v));
    case 'datetime':
      // The importer reads times as Beijing wall-clock: write that wall-clock as the serial.
      return new Date((v as Date).getTime() + 8 * 3_600_000);
    case 'amount':
      // Values are 分; the header carries the column's unit.
      return (v as number) / 100 / (col.unit === '万元' ? 10_000 : col.unit === '亿元' ? 100_000_000 : 1);
    case 'number':
    case 'year':
      return Number(v);
    case 'enum':
      // An open column's word outside the vocabulary is exported as written (the `…Label`).
      return col.vocabulary!.values.includes(v as string) ? col.vocabulary!.label(v as string) : textCell(String(v));
    case 'tags':
      // An open column's words outside the vocabulary are exported as written, after the labels.
      return (v as string[]).length ? (v as string[]).map((t) => (col.vocabulary!.values.includes(t) ? col.vocabulary!.label(t) : t)).join('、') : null;
    case 'active':
      return v ? '在职' : '离职';
    default:
      return textCell(String(v));
  }
}

/** The same value for a CSV field (UTF-8; dates as YYYY-MM-DD; text neutralised against formulas). */
function csvValue(col: ColumnSpec, v: unknown): string | number | null {
  const x = cellValue(col, v);
  if (x === null) return null;
  if (x instanceof Date) return col.type === 'datetime' ? x.toISOString().slice(0, 19).replace('T', ' ') : x.toISOString().slice(0, 10);
  if (typeof x === 'number') return x;
  return csvText(String(x));
}

interface Sink {
  header(spec: AnnexSpec, subtitle: string): void;
  row(values: Values): void;
  /** Called after each page: waits while the output is behind (memory stays flat). */
  keepUp(): Promise<void>;
  finish(): Promise<void>;
}

function xlsxSink(out: Writable, spec: AnnexSpec, by: string): Sink {
  const wb = streamingWorkbook(out);
  const cols = spec.columns;
  const grouped = cols.some((c) => c.group);
  const headerRows = grouped ? 2 : 1;
  const firstData = 3 + headerRows;
  const ws = wb.addWorksheet(spec.title.replace(/^附件\d\s*/, ''), {
    views: [{ state: 'frozen', ySplit: firstData - 1, xSplit: 0 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, showGridLines: true, printTitlesRow: `3:${firstData - 1}` },
    headerFooter: { oddHeader: `&C&"-,Bold"${headerFooterText(spec.title)}`, oddFooter: `&L${headerFooterText(`导出：${by}`)}&C第 &P 页，共 &N 页` },
  });
  const border: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  // One style object per column, shared by its cells: exceljs looks shared style objects up once (WeakMap by identity).
  // Data cells carry only their number format (an export is for editing and re-importing; the sheet prints gridlines).
  const styles = cols.map((c) =>
    Object.freeze({ numFmt: c.type === 'date' ? DATE_FORMAT : c.type === 'datetime' ? 'yyyy-mm-dd hh:mm:ss' : c.type === 'amount' ? '#,##0.00####' : c.type === 'number' || c.type === 'year' || c.type === 'ignore' ? 'General' : '@' }) as Partial<ExcelJS.Style>,
  );
  ws.columns = cols.map((c, k) => ({ width: c.width ?? 12, style: { numFmt: styles[k].numFmt } }));
  let n = firstData;
  let seq = 0;
  return {
    header(s, subtitle) {
      const t = ws.getRow(1);
      t.getCell(1).value = s.title;
      t.getCell(1).font = { bold: true, size: 16 };
      t.getCell(1).alignment = { horizontal: 'center' };
      ws.mergeCells(1, 1, 1, cols.length);
      t.commit();
      const sub = ws.getRow(2);
      sub.getCell(1).value = subtitle;
      ws.mergeCells(2, 1, 2, cols.length);
      sub.commit();
      const top = ws.getRow(3);
      const bottom = grouped ? ws.getRow(4) : null;
      let i = 0;
      while (i < cols.length) {
        const c = cols[i];
        if (c.group && grouped) {
          let j = i;
          while (j + 1 < cols.length && cols[j + 1].group === c.group) j++;
          top.getCell(i + 1).value = c.group;
          if (j > i) ws.mergeCells(3, i + 1, 3, j + 1);
          for (let k = i; k <= j; k++) bottom!.getCell(k + 1).value = headerText(cols[k]);
          i = j + 1;
        } else {
          top.getCell(i + 1).value = headerText(c);
          if (grouped) ws.mergeCells(3, i + 1, 4, i + 1);
          i++;
        }
      }
      for (const row of bottom ? [top, bottom] : [top]) {
        for (let k = 1; k <= cols.length; k++) {
          const cell = row.getCell(k);
          cell.font = { bold: true };
          cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
          cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
          cell.border = border;
          cell.numFmt = 'General';
        }
        row.commit();
      }
    },
    row(values) {
      const row = ws.getRow(n++);
      seq++;
      cols.forEach((c, k) => {
        const value = c.type === 'ignore' ? seq : cellValue(c, values[c.key]);
        // A blank stays absent (no empty styled cell): archives are mostly blanks, and each costs XML.
        if (value === null) return;
        const cell = row.getCell(k + 1);
        cell.style = styles[k];
        cell.value = value;
      });
      row.commit();
    },
    keepUp() {
      return keepUp(ws, out);
    },
    async finish() {
      ws.autoFilter = `A${firstData - 1}:${columnLetter(cols.length - 1)}${Math.max(firstData - 1, n - 1)}`;
      ws.commit();
      await wb.commit();
    },
  };
}

/** CSV in UTF-8 with a BOM (Excel opens it without garbling Chinese), one header line the importer locates. */
function csvSink(out: Writable, spec: AnnexSpec): Sink {
  const cols = spec.columns;
  let seq = 0;
  const write = (s: string) => {
    out.write(s);
  };
  return {
    header() {
      write('\uFEFF');
      write(csvLine(cols.map((c) => headerText(c))));
    },
    async keepUp() {
      if (out.destroyed) throw new OutputClosedError();
      if (!out.writableNeedDrain) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.once('drain', done);
        out.once('close', done);
      });
      if (out.destroyed) throw new OutputClosedError();
    },
    row(values) {
      seq++;
      write(csvLine(cols.map((c) => (c.type === 'ignore' ? seq : csvValue(c, values[c.key])))));
    },
    finish() {
      return new Promise((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
    },
  };
}

/**
 * Exports an annex. Every authenticated role reads the archives (MANAGER, FINANCE and ANALYST see
 * persons' private fields masked unless the privacy rule says otherwise); one audit event records
 * who exported which annex, how many rows, from where — never values.
 */
export class AnnexExportService {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: AccountService,
    private readonly audit: AuditService,
    private readonly needToKnow: NeedToKnowService,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Need-to-know for exported rows (the rule GraphQL applies, need-to-know.rules.ts): a column whose
   * target field is classified (企业机密, personal) is left blank — a related person's name shown as
   * 孙* — on rows the caller may not read in full. Returns null when the caller reads every column.
   */
  private async masker(ctx: RequestContext, spec: AnnexSpec): Promise<((rows: { account: Account; values: Values }[]) => Promise<void>) | null> {
    const facts = await this.needToKnow.facts(ctx);
    const classified = spec.columns
      .map((col) => ({ key: col.key, cls: columnClass(col) }))
      .filter((c) => c.cls !== DataClass.INTERNAL && !(PRIVATE_CONTACT_FIELDS as readonly string[]).includes(c.key));
    // What the caller reads on every account (mayRead without an account) needs no per-row check.
    const everything = classified.every((c) => mayRead(ctx.actor, c.cls, null, facts));
    if (classified.length === 0 || everything) return null;
    return async (rows) => {
      const accounts = await this.needToKnow.accountFacts(ctx, rows.map((r) => r.account.id));
      for (const { account, values } of rows) {
        const subject = accounts.get(account.id) ?? { id: account.id, ownerUnitId: account.ownerUnitId, managerId: account.managerId };
        for (const c of classified) {
          if (values[c.key] === null || values[c.key] === undefined || mayRead(ctx.actor, c.cls, subject, facts)) continue;
          values[c.key] = c.key === 'name' && spec.annex === ImportAnnex.PERSONS && typeof values.name === 'string' ? maskName(values.name) : null;
        }
      }
    };
  }

  /** Validates the filter (BAD_USER_INPUT on a bad date or tier) before anything is streamed. */
  async prepare(ctx: RequestContext, annex: ImportAnnex, filter: AnnexExportFilter = {}): Promise<PreparedExport> {
    if (ctx.actor.kind === 'anonymous') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'authentication required: send "Authorization: Bearer <API key or login token>"');
    const spec = ANNEXES[annex];
    const from = filter.from ? assertLocalDate(filter.from, 'from') : null;
    const to = filter.to ? assertLocalDate(filter.to, 'to') : null;
    if (from && to && from > to) throw new DomainError(ErrorCode.VALIDATION_FAILED, `from: ${say(`${from} 晚于 to（${to}）`, `${from} is after to (${to})`)}`, { field: 'from' });
    const resolved = filter.accounts ? await this.accounts.resolveFilter(ctx, filter.accounts) : null;
    return { spec, from, to, resolved };
  }

  /** Streams the annex into `out` as xlsx (or CSV with a BOM); resolves with the number of rows. */
  async write(ctx: RequestContext, p: PreparedExport, out: Writable, format: ExportFormat = 'xlsx'): Promise<number> {
    const em = managerFor(this.ds, ctx);
    const sink = format === 'csv' ? csvSink(out, p.spec) : xlsxSink(out, p.spec, ctx.actor.name);
    sink.header(p.spec, `导出日期：${today()}\u3000\u3000导出人：${ctx.actor.name}\u3000\u3000（可直接修改后导入）`);
    let rows = 0;
    let completed = false;
    const emit = (v: Values) => {
      sink.row(v);
      rows++;
    };
    const pageDone = () => sink.keepUp();
    const mask = await this.masker(ctx, p.spec);
    const broken = { count: 0 };
    /** A page of rows, masked for the caller, then written. */
    const emitPage = async (page: { account: Account; values: Values }[]) => {
      await mask?.(page);
      for (const r of page) emit(r.values);
    };
    try {
      switch (p.spec.annex) {
        case ImportAnnex.SUMMARY:
        case ImportAnnex.ARCHIVE:
          await this.accountRows(em, p, p.spec.annex === ImportAnnex.ARCHIVE, emitPage, pageDone);
          break;
        case ImportAnnex.PERSONS:
          await this.personRows(ctx, em, p, emitPage, pageDone, broken);
          break;
        case ImportAnnex.LEDGER:
          await this.ledgerRows(em, p, emitPage, pageDone);
          break;
      }
      await sink.finish();
      completed = true;
    } finally {
      // Recorded also when the download was cancelled half-way: what left is on record.
      await this.audit.record(ctx, { action: 'export.annex', entity: 'Annex', entityId: p.spec.annex, after: { annex: p.spec.annex, format, rows, completed, filtered: !!(p.resolved || p.from || p.to), ...(broken.count ? { unreadableValues: broken.count } : {}) } });
    }
    return rows;
  }

  /**
   * Pages through `entity` by id (keyset), restricted to the filtered accounts. Reads with the lean
   * ListQuery (hand-built SELECT, metadata-driven hydration): TypeORM's getMany spent more time
   * transforming rows than the export spent writing them.
   */
  private async *pages<T extends ObjectLiteral & { id: number }>(em: EntityManager, entity: new () => T, alias: string, accountColumn: string | null, p: PreparedExport, extra?: (qb: ListQuery<T>) => void): AsyncGenerator<T[]> {
    let after = 0;
    for (;;) {
      const qb = new ListQuery(em, entity, alias).andWhere(`${alias}.id > :after`, { after }).orderBy(`${alias}.id`, 'ASC').limit(EXPORT_PAGE);
      if (p.resolved) {
        if (accountColumn === null) applyAccountFilter(qb, p.resolved);
        else {
          const sub = em.createQueryBuilder(Account, 'fa').select('fa.id');
          applyAccountFilter(sub, p.resolved);
          qb.andWhere(`${alias}.${accountColumn} IN (${sub.getQuery()})`, sub.getParameters());
        }
      }
      extra?.(qb);
      const page = await qb.getMany();
      if (!page.length) return;
      yield page;
      after = page[page.length - 1].id;
      if (page.length < EXPORT_PAGE) return;
    }
  }

  /** Loads the rows of `ids` not in `cache` yet (lean reads, 1,000 keys a statement). */
  private async lookup<T extends ObjectLiteral & { id: number }>(em: EntityManager, entity: new () => T, ids: (number | null | undefined)[], cache: Map<number, T>): Promise<void> {
    const missing = [...new Set(ids.filter((x): x is number => typeof x === 'number' && !cache.has(x)))];
    for (let i = 0; i < missing.length; i += 1000) {
      for (const r of await readWhereIn(em.connection, entity, 'id', missing.slice(i, i + 1000))) cache.set(r.id, r);
    }
  }

  private async accountRows(em: EntityManager, p: PreparedExport, withCredit: boolean, emitPage: EmitPage, pageDone: () => Promise<void>): Promise<void> {
    const tiers = new Map((await em.find(Tier)).map((t) => [t.id, t.name]));
    const levels = new Map((await em.find(ManagementLevel)).map((l) => [l.id, l.name]));
    const units = new Map<number, OrgUnit>();
    const users = new Map<number, User>();
    const parents = new Map<number, Account>();
    for await (const page of this.pages(em, Account, 'a', null, p)) {
      await this.lookup(em, OrgUnit, page.map((a) => a.ownerUnitId), units);
      await this.lookup(em, User, page.map((a) => a.managerId), users);
      await this.lookup(em, Account, page.map((a) => a.parentId), parents);
      const credit = new Map<number, CreditEvaluation>();
      if (withCredit) {
        // The latest evaluation of each account (highest year).
        for (const e of await readWhereIn(em.connection, CreditEvaluation, 'accountId', page.map((a) => a.id), { accountId: 'ASC', year: 'DESC' })) {
          if (!credit.has(e.accountId)) credit.set(e.accountId, e);
        }
      }
      const out: { account: Account; values: Values }[] = [];
      for (const a of page) {
        const v: Values = {
          code: a.code, name: a.name, creditCode: a.creditCode, registeredOn: a.registeredOn, ownership: a.ownership ?? a.ownershipLabel, industry: a.industry,
          scale: a.scale ?? a.scaleLabel, mainProducts: a.mainProducts, reputation: a.reputation ?? a.reputationLabel, totalAssets: a.totalAssetsFen, shareholders: a.shareholders,
          address: a.address, postalCode: a.postalCode, phone: a.phone, fax: a.fax, email: a.email,
          tierCode: a.tierId === null ? null : tiers.get(a.tierId), managementLevel: a.managementLevelId === null ? null : levels.get(a.managementLevelId),
          status: a.status, ownerUnit: a.ownerUnitId === null ? null : units.get(a.ownerUnitId)?.name, manager: a.managerId === null ? null : users.get(a.managerId)?.name,
          expectedContractValue: a.expectedContractValueFen, annualSales: a.annualSalesFen, notes: a.notes,
          parent: a.parentId === null ? null : parents.get(a.parentId)?.code,
        };
        const e = credit.get(a.id);
        if (e) {
          v.creditYear = e.year;
          for (const k of CREDIT_KEYS) v[k] = (e as unknown as Values)[k];
        }
        out.push({ account: a, values: v });
      }
      await emitPage(out);
      await pageDone();
    }
  }

  private async personRows(ctx: RequestContext, em: EntityManager, p: PreparedExport, emitPage: EmitPage, pageDone: () => Promise<void>, broken: { count: number }): Promise<void> {
    const accounts = new Map<number, Account>();
    // A person whose personal data was erased is left out: without 手机 its row would not match it on import.
    for await (const page of this.pages(em, Contact, 'c', 'accountId', p, (qb) => qb.andWhere('c.erasedAt IS NULL'))) {
      await this.lookup(em, Account, page.map((c) => c.accountId), accounts);
      const out: { account: Account; values: Values }[] = [];
      for (const c of page) {
        const a = accounts.get(c.accountId)!;
        out.push({ account: a, values: {
          accountCode: a.code, accountCreditCode: a.creditCode, accountName: a.name,
          name: c.name, gender: c.gender ?? c.genderLabel, title: c.title, department: c.department, role: c.role ?? c.roleLabel, officePhone: c.officePhone, email: c.email,
          birthday: c.birthday, closeness: c.closeness ?? c.closenessLabel, consentAt: c.consentAt, consentSource: c.consentSource, consentScope: c.consentScope,
          active: c.active, leftOn: c.leftOn, notes: c.notes,
          ...personalFields(this.keyRing, ctx, c, a, broken),
        } });
      }
      await emitPage(out);
      if (accounts.size > 50_000) accounts.clear();
      // Full reads of private fields are noted per request (revealContactField); written per page, so
      // one audit event lists at most a page of people.
      await this.audit.flushReads(ctx);
      await pageDone();
    }
  }

  private async ledgerRows(em: EntityManager, p: PreparedExport, emitPage: EmitPage, pageDone: () => Promise<void>): Promise<void> {
    const accounts = new Map<number, Account>();
    const users = new Map<number, User>();
    const projects = new Map<number, Project>();
    const range = (qb: ListQuery<Activity>) => {
      if (p.from) qb.andWhere('act.occurredOn >= :from', { from: p.from });
      if (p.to) qb.andWhere('act.occurredOn <= :to', { to: p.to });
    };
    for await (const page of this.pages(em, Activity, 'act', 'accountId', p, range)) {
      await this.lookup(em, Account, page.map((x) => x.accountId), accounts);
      await this.lookup(em, User, page.map((x) => x.managerId), users);
      await this.lookup(em, Project, page.map((x) => x.projectId), projects);
      // 回款金额 is the Payment the row created (Payment.activityId): export what is counted.
      const paid = new Map<number, number>();
      for (const pm of await readWhereIn(em.connection, Payment, 'activityId', page.map((x) => x.id), {}, ['activityId', 'amountFen'])) paid.set(pm.activityId!, pm.amountFen);
      const out: { account: Account; values: Values }[] = [];
      for (const x of page) {
        const a = accounts.get(x.accountId)!;
        out.push({ account: a, values: {
          occurredOn: x.occurredOn, accountCode: a.code, accountCreditCode: a.creditCode, accountName: a.name, type: x.type, channel: x.channel,
          participants: x.participants, counterparts: x.counterparts, subject: x.subject, summary: x.summary, outcome: x.outcome,
          nextAction: x.nextAction, nextActionDue: x.nextActionDue, projectName: x.projectId === null ? null : projects.get(x.projectId)?.name,
          contractAmount: x.contractAmountFen, paymentAmount: paid.get(x.id) ?? null, intelTags: [...(x.intelTags?.filter(Boolean) ?? []), ...(x.intelTagsOther ? x.intelTagsOther.split('、') : [])],
          manager: x.managerId === null ? null : users.get(x.managerId)?.name,
        } });
      }
      await emitPage(out);
      for (const m of [accounts, users, projects] as Map<number, unknown>[]) if (m.size > 50_000) m.clear();
      await pageDone();
    }
  }
}

export interface PreparedExport {
  spec: AnnexSpec;
  from: LocalDate | null;
  to: LocalDate | null;
  resolved: Awaited<ReturnType<AccountService['resolveFilter']>> | null;
}

