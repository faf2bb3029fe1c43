/**
 * The company's own 附件一 layout: a template with placeholders, filled with the report — its fonts,
 * widths, merges and print setup kept (read back by openpyxl), the account row repeated with the rows
 * below moving down, the SUM under it spanning every account, and LibreOffice printing the totals.
 */
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import { fillReportTemplate } from '../../src/modules/reports/report-template';
import { tierTotal, type MonthlyReport, type ReportAccountRow } from '../../src/modules/reports/report.service';
import { tmpFile } from '../support/workbooks';
import { itWithReaders, pdfThroughLibreOffice, readPdf, readWithOpenpyxl } from '../support/report-readers';

function report(n: number): MonthlyReport {
  const rows: ReportAccountRow[] = Array.from({ length: n }, (_, i) => ({
    seq: i + 1, accountId: i + 1, code: `S${i + 1}`, name: `客户${i + 1}有限公司`, tierId: 1, tierName: '战略', unitName: '华东分公司', managerName: '王经理',
    signedMonthFen: (i + 1) * 1_000_000, signedYtdFen: (i + 1) * 2_000_000, signedPrevYtdFen: 0, receivedMonthFen: 500_000, receivedYtdFen: 700_000, receivableFen: 0, overdueFen: 0,
    signedYoy: null, visits: i, lastExecutiveVisitOn: '2026-10-05', cadenceCompliant: true, cadenceOverdue: [], creditRating: null, creditYear: null, events: [], risks: i === 0 ? ['逾期应收 1.00 万元'] : [],
  }));
  const total = tierTotal(rows);
  return {
    period: { month: '2026-10', year: 2026, monthStart: '2026-10-01', monthEnd: '2026-10-31', yearStart: '2026-01-01', asOf: '2026-10-31', prevYearStart: '2025-01-01', prevAsOf: '2025-10-31' },
    generatedAt: new Date('2026-11-01T02:00:00Z'), generatedBy: 'finance', tiers: [{ ...total, tierId: 1, tierCode: 'STRATEGIC', tierName: '战略' }], total, rows, compliance: [], notes: [],
  };
}

async function template(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('附件一', { pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printArea: 'A1:F8' } });
  ws.columns = [{ width: 6 }, { width: 12 }, { width: 28 }, { width: 14 }, { width: 14 }, { width: 30 }];
  ws.getCell('A1').value = '战略客户业务状况报告表';
  ws.getCell('A1').font = { name: '黑体', size: 18, bold: true };
  ws.mergeCells('A1:F1');
  ws.getCell('A2').value = '编制单位：{{编制单位}}　　{{报告月份}}　　单位：万元';
  ws.mergeCells('A2:F2');
  ['序号', '客户编号', '客户名称', '本月签约', '本年累计签约', '风险提示'].forEach((h, i) => (ws.getRow(4).getCell(i + 1).value = h));
  ['{{序号}}', '{{客户编号}}', '{{客户名称}}', '{{本月签约}}', '{{本年累计签约}}', '{{风险提示}}'].forEach((h, i) => {
    const c = ws.getRow(5).getCell(i + 1);
    c.value = h;
    c.font = { name: '仿宋', size: 12 };
    c.border = { bottom: { style: 'thin' } };
  });
  ws.getCell('D5').numFmt = '#,##0.00';
  ws.getRow(5).height = 24;
  ws.getCell('A6').value = '合计';
  ws.getCell('D6').value = { formula: 'SUM(D5:D5)' } as ExcelJS.CellFormulaValue;
  ws.getCell('E6').value = '{{本年累计签约}}';
  ws.getCell('A8').value = '制表人：{{制表人}}';
  ws.mergeCells('A8:C8');
  ws.getCell('D8').value = '审核人：{{审核人}}';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const sig = { company: '中建某局集团有限公司', preparer: '张三', reviewer: '李会计', principal: null };

describe('the company\'s own template', () => {
  let file: string;

  it('fills the placeholders and repeats the account row, keeping the layout', async () => {
    file = tmpFile('filled.xlsx');
    fs.writeFileSync(file, await fillReportTemplate(await template(), report(3), sig));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('附件一')!;
    expect(ws.getCell('A2').value).toBe('编制单位：中建某局集团有限公司　　2026年10月　　单位：万元');
    expect([5, 6, 7].map((r) => [ws.getCell(`A${r}`).value, ws.getCell(`B${r}`).value, ws.getCell(`C${r}`).value, ws.getCell(`D${r}`).value, ws.getCell(`E${r}`).value])).toEqual([
      [1, 'S1', '客户1有限公司', 1, 2],
      [2, 'S2', '客户2有限公司', 2, 4],
      [3, 'S3', '客户3有限公司', 3, 6],
    ]);
    expect(ws.getCell('F5').value).toBe('逾期应收 1.00 万元');
    expect(ws.getCell('F6').value).toBeNull();
    expect(ws.getCell('A8').value).toBe('合计');
    expect(ws.getCell('D8').value).toMatchObject({ formula: 'SUM(D5:D7)' });
    expect(ws.getCell('E8').value).toBe(12); // {{本年累计签约}}: the total, 万元
    expect(ws.getCell('A10').value).toBe('制表人：张三');
    expect(ws.getCell('D10').value).toBe('审核人：李会计');
  });

  itWithReaders(['openpyxl'], 'keeps fonts, widths, merges, borders, number formats and print setup (read by openpyxl)', () => {
    const [s] = readWithOpenpyxl(file);
    expect(s.merged.sort()).toEqual(['A10:C10', 'A1:F1', 'A2:F2']);
    expect(s.widths).toMatchObject({ A: 6, C: 28, F: 30 });
    expect(s).toMatchObject({ orientation: 'landscape', fitToWidth: 1 });
    expect(s.printArea).toEqual(['$A$1:$F$10']);
    expect(s.rows[4][3]).toMatchObject({ v: 1, t: 'n', nf: '#,##0.00' });
    expect(s.rows[6][3]).toMatchObject({ v: 3, nf: '#,##0.00' }); // the copied rows keep the row template's format
    expect(s.heights).toMatchObject({ '5': 24, '6': 24, '7': 24 });
    expect(s.fonts).toEqual(expect.arrayContaining(['黑体', '仿宋']));
  });

  itWithReaders(['libreoffice', 'poppler'], 'prints with its totals computed (LibreOffice → PDF)', () => {
    const text = readPdf(pdfThroughLibreOffice(file)).texts.map((t) => t.text).join(' ');
    expect(text.replace(/\s+/g, '')).toContain('客户3有限公司');
    expect(text).toMatch(/合计 6 12/); // SUM(D8) = 1 + 2 + 3, computed when opened; E8 = {{本年累计签约}}
  });

  it('refuses what is not a template, and an unknown placeholder, naming the cell', async () => {
    await expect(fillReportTemplate(Buffer.from('not a zip'), report(1), sig)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'template' } });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('表').getCell('B3').value = '{{本月签单}}';
    await expect(fillReportTemplate(Buffer.from(await wb.xlsx.writeBuffer()), report(1), sig)).rejects.toThrow(/表!B3: unknown placeholder \{\{本月签单\}\}; known: .*\{\{本月签约\}\}/);
    const plain = new ExcelJS.Workbook();
    plain.addWorksheet('表').getCell('A1').value = '没有占位符';
    await expect(fillReportTemplate(Buffer.from(await plain.xlsx.writeBuffer()), report(1), sig)).rejects.toThrow(/no placeholder/);
  });

  it('leaves the account row empty when there are no accounts', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await fillReportTemplate(await template(), report(0), sig)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('附件一')!;
    expect(ws.getCell('B5').value).toBeNull();
    expect(ws.getCell('A6').value).toBe('合计');
    expect(ws.getCell('A8').value).toBe('制表人：张三');
  });
});
