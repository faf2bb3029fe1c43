/**
 * The demo company as the annex workbooks people keep: 附件2 大客户信息管理档案 (one file per
 * evaluation year, with the credit fields), 附件3 大客户相关人员档案 and 附件4 大客户经理经营档案 (a
 * sheet per month). `kam seed --demo` loads them through the importer, like any admin's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ActivityTypes, CompanyScales, Genders, IntelTags, type Gender } from '../../src/common/enums';
import { ARCHIVE, LEDGER, PERSONS } from '../../importers/annexes';
import type { AnnexSpec } from '../../importers/annexes/spec';
import { headerText } from '../../importers/write/template';
import type { DemoDataset } from './generator';

export interface DemoAnnexFiles {
  /** Archive files, oldest evaluation year first. */
  archives: string[];
  persons: string;
  ledger: string;
}

const WAN = 10_000;

function sheetWithHeader(wb: ExcelJS.Workbook, name: string, spec: AnnexSpec, keys: string[], unitName: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  ws.addRow([spec.title]);
  ws.addRow([`填报单位：${unitName}`]);
  ws.addRow(keys.map((k) => headerText(spec.columns.find((c) => c.key === k)!)));
  return ws;
}

/** China Standard Time `YYYY-MM-DD HH:mm` for an ISO instant (how people type a time). */
function cst(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export async function writeDemoAnnexes(data: DemoDataset, dir: string): Promise<DemoAnnexFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const unitName = (code: string) => data.units.find((u) => u.code === code)?.name ?? code;
  const company = data.units.find((u) => u.kind === 'COMPANY')?.name ?? '';
  const years = [...new Set(data.credit.map((c) => c.year))].sort();
  const archives: string[] = [];
  const archiveKeys = ['_seq', 'code', 'name', 'parent', 'registeredOn', 'creditCode', 'ownership', 'industry', 'scale', 'mainProducts', 'reputation', 'totalAssets', 'shareholders', 'address', 'postalCode', 'phone', 'fax', 'email', 'tierCode', 'managementLevel', 'ownerUnit', 'manager', 'expectedContractValue', 'annualSales', 'creditYear', 'performance', 'paymentRecord', 'contractMode', 'biddingMethod', 'contractHabits', 'priceLevel', 'paymentCapacity', 'managementCapacity', 'score', 'rating', 'decision', 'evaluator'];
  const tierName: Record<string, string> = { STRATEGIC: '战略客户', KEY: '重点客户', MAJOR: '主要客户', GENERAL: '一般客户' };
  for (const year of years) {
    const wb = new ExcelJS.Workbook();
    const ws = sheetWithHeader(wb, `${year}年度`, ARCHIVE, archiveKeys, company);
    const credit = new Map(data.credit.filter((c) => c.year === year).map((c) => [c.accountCode, c]));
    data.accounts.forEach((a, i) => {
      const c = credit.get(a.code);
      const row = ws.addRow([
        i + 1, a.code, a.name, a.parentCode, new Date(`${a.registeredOn}T00:00:00Z`), a.creditCode, a.ownership, a.industry, CompanyScales.lookup(a.scale) ? a.scale : null,
        a.mainProducts, a.reputation, a.totalAssets / WAN, a.shareholders, a.address, a.postalCode, a.phone, a.fax, a.email, tierName[a.tierCode], a.managementLevel,
        unitName(a.ownerUnitCode), a.managerName, a.expectedContractValue / WAN, a.annualSales / WAN,
        c ? year : null, c?.performance, c?.paymentRecord, c?.contractMode, c?.biddingMethod, c?.contractHabits, c?.priceLevel, c?.paymentCapacity, c?.managementCapacity, c?.score, c?.rating, c?.decision, c?.evaluator,
      ]);
      row.getCell(5).numFmt = 'yyyy"年"m"月"d"日"';
    });
    ws.addRow([]);
    ws.addRow(['制表人：', null, null, '审核人：']);
    const file = path.join(dir, `附件2-大客户信息管理档案-${year}.xlsx`);
    await wb.xlsx.writeFile(file);
    archives.push(file);
  }

  const personKeys = ['_seq', 'accountCode', 'accountName', 'name', 'gender', 'title', 'department', 'role', 'officePhone', 'mobile', 'email', 'birthday', 'familyInfo', 'homeAddress', 'hobbies', 'closeness', 'consentAt', 'consentSource', 'active', 'leftOn'];
  const accountName = new Map(data.accounts.map((a) => [a.code, a.name]));
  {
    const wb = new ExcelJS.Workbook();
    const ws = sheetWithHeader(wb, '相关人员', PERSONS, personKeys, company);
    data.contacts.forEach((p, i) => {
      ws.addRow([
        i + 1, p.accountCode, accountName.get(p.accountCode), p.name, Genders.label(p.gender as Gender), p.title, p.department, p.role, p.officePhone, p.mobile, p.email,
        p.birthday, p.familyInfo, p.homeAddress, p.hobbies, p.closeness, p.consentAt ? cst(p.consentAt) : null, p.consentSource, p.active ? '在职' : '离职', p.leftOn,
      ]);
    });
    await wb.xlsx.writeFile(path.join(dir, '附件3-大客户相关人员档案.xlsx'));
  }

  const ledgerKeys = ['_seq', 'occurredOn', 'accountCode', 'accountName', 'type', 'participants', 'counterparts', 'subject', 'summary', 'outcome', 'nextAction', 'intelTags', 'manager'];
  {
    const wb = new ExcelJS.Workbook();
    const byMonth = new Map<string, typeof data.activities>();
    for (const a of [...data.activities].sort((x, y) => x.occurredOn.localeCompare(y.occurredOn))) {
      const m = a.occurredOn.slice(0, 7);
      byMonth.set(m, [...(byMonth.get(m) ?? []), a]);
    }
    for (const [month, list] of byMonth) {
      const ws = sheetWithHeader(wb, month, LEDGER, ledgerKeys, company);
      list.forEach((a, i) => {
        ws.addRow([
          i + 1, a.occurredOn.replace(/-/g, '.'), a.accountCode, accountName.get(a.accountCode), ActivityTypes.label(a.type), a.participants, a.counterparts, a.subject, a.summary,
          a.outcome, a.nextAction, a.intelTags.map((t) => IntelTags.label(IntelTags.parse(t))).join('、') || null, a.managerName,
        ]);
      });
    }
    await wb.xlsx.writeFile(path.join(dir, '附件4-大客户经理经营档案.xlsx'));
  }
  return { archives, persons: path.join(dir, '附件3-大客户相关人员档案.xlsx'), ledger: path.join(dir, '附件4-大客户经理经营档案.xlsx') };
}
