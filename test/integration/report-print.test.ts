/**
 * The monthly report on paper: the workbook printed to PDF by LibreOffice, as finance would, and the
 * PDF measured — page size, printed text size, fonts, one title per page, 编制单位 and the signature
 * line, 明细 in two page bands with 客户编号/客户名称/级别 on every page, and wrapped cells whose every
 * line is inside their row (a clipped cell loses lines or spills into the row below).
 */
import fs from 'node:fs';
import { MIN_PRINTED_PT, rowHeight, printScale, wrappedLines, writeMonthlyWorkbook } from '../../src/modules/reports/monthly-workbook';
import { tierTotal, type MonthlyReport, type ReportAccountRow } from '../../src/modules/reports/report.service';
import { tmpFile } from '../support/workbooks';
import { itWithReaders, pdfThroughLibreOffice, readPdf, type PdfPages, type PdfText } from '../support/report-readers';

const ACCOUNTS = 36;
const events = (i: number) =>
  i % 3 === 0
    ? []
    : [
        `10-05 签约【竞争对手】：第${i}标段施工总承包合同签订，合同额一亿二千万元，对方采购部同时与另一家供应商接触`,
        '10-12 高层拜访：董事长会见对方总经理，商谈明年框架协议、付款条件与质量保证金比例',
        `10-20 投诉：电梯导轨安装偏差 ${i} 毫米，已派技术人员到场复测并提交整改方案`,
        ...(i % 5 === 1 ? ['10-28 技术交流【产品需求】：对方提出新一代变频器的选型要求，需在十一月底前提交样机测试报告'] : []),
      ];

function fixture(): MonthlyReport {
  const rows: ReportAccountRow[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    rows.push({
      seq: i + 1, accountId: i + 1, code: `KA${String(i + 1).padStart(4, '0')}`,
      name: i % 2 ? `中国建筑第${i}工程局有限公司华东区域总部第三分公司` : '上海电气集团股份有限公司', tierId: 1, tierName: i % 4 ? '战略' : '重点',
      unitName: '华东分公司（上海）', managerName: '欧阳建国', signedMonthFen: 12_345_678_901 * (i % 3), signedYtdFen: 123_456_789_012, signedPrevYtdFen: 98_765_432_100,
      receivedMonthFen: 1_000_000, receivedYtdFen: 2_000_000_000, receivableFen: 300_000_000, overdueFen: i % 2 ? 50_000_000 : 0, signedYoy: 0.25,
      visits: 3, lastExecutiveVisitOn: '2026-10-12', cadenceCompliant: i % 2 === 0, cadenceOverdue: ['质量交流', '技术交流', '高层拜访'], creditRating: null, creditYear: null,
      events: events(i),
      risks: i % 2 ? ['逾期应收 50.00 万元', '拜访逾期：质量交流、技术交流、高层拜访', `关键人员离职：李${i}（采购部经理，10-15）`, '投诉逾期未答复：电梯导轨安装偏差'] : [],
    });
  }
  const total = tierTotal(rows);
  return {
    period: { month: '2026-10', year: 2026, monthStart: '2026-10-01', monthEnd: '2026-10-31', yearStart: '2026-01-01', asOf: '2026-10-31', prevYearStart: '2025-01-01', prevAsOf: '2025-10-31' },
    generatedAt: new Date('2026-11-02T01:00:00Z'), generatedBy: 'finance', tiers: [{ ...total, tierId: 1, tierCode: 'STRATEGIC', tierName: '战略' }], total, rows,
    compliance: rows.slice(0, 12).map((a) => ({ accountId: a.accountId, code: a.code, name: a.name, tierName: a.tierName, managerName: a.managerName, activityType: null, intervalMonths: 1, ruleName: '客户经理拜访', intervalText: '每月', lastOn: null, dueOn: '2026-09-01', daysOverdue: 60 })),
    notes: [],
  };
}

describe('print layout (pure)', () => {
  it('counts wrapped lines by display width and sizes rows to them', () => {
    expect(wrappedLines(null, 10)).toBe(1);
    expect(wrappedLines('合规', 12)).toBe(1);
    const long = '董事长会见对方总经理，商谈明年框架协议、付款条件与质量保证金比例'; // 32 CJK characters
    expect(wrappedLines(long, 36)).toBe(2);
    expect(wrappedLines(`${long}\n${long}\n短`, 36)).toBe(5);
    expect(wrappedLines('a'.repeat(40), 36)).toBeLessThan(wrappedLines('中'.repeat(40), 36));
    expect(rowHeight([`${long}\n${long}`, null], [36, 10])).toBeGreaterThanOrEqual(4 * 16);
    expect(rowHeight(['x'.repeat(100_000)], [10])).toBe(409); // Excel's limit
  });

  it('chooses the scale that fits the widest band, never below 8 pt text', () => {
    expect(printScale([[10, 10, 10]])).toBe(100);
    const scale = printScale([[4, 10, 18, 5, 10, 8, 11, 11, 11, 8, 11, 11, 11, 11]]);
    expect(scale).toBeLessThan(100);
    expect((11 * scale) / 100).toBeGreaterThanOrEqual(MIN_PRINTED_PT);
    expect(printScale([[400]])).toBe(73); // too wide: the floor holds, the band spills rather than shrinks
  });
});

describe('the printed report (LibreOffice → PDF)', () => {
  let pdf: PdfPages;
  const report = fixture();
  const signatures = { company: '中建某局集团有限公司', preparer: '张三', reviewer: '李会计', principal: null };

  const onPage = (page: number) => pdf.texts.filter((t) => t.page === page);
  const pageText = (page: number) => onPage(page).map((t) => t.text).join('');
  const detailPages = () => pdf.pages.filter((p) => pageText(p.number).includes('（明细）')).map((p) => p.number);

  itWithReaders(['libreoffice', 'poppler'], 'prints every page on A4 landscape, text at 8 pt or more, in a CJK sans font', async () => {
    const file = tmpFile('print.xlsx');
    const out = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    await writeMonthlyWorkbook(report, out, signatures);
    await closed;
    pdf = readPdf(pdfThroughLibreOffice(file));

    expect(pdf.pages.length).toBeGreaterThan(4);
    const sheets = pdf.pages.filter((p) => !pageText(p.number).includes('（说明）'));
    for (const p of sheets) expect([Math.abs(p.width - 842) <= 1.5, Math.abs(p.height - 595) <= 1.5]).toEqual([true, true]); // A4 landscape: 842 × 595 pt
    const sizes = pdf.texts.filter((t) => t.text.trim()).map((t) => t.size);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(MIN_PRINTED_PT);
    expect(pdf.fonts.some((f) => /NotoSansCJK|WenQuanYi|SourceHanSans|DengXian|YaHei/i.test(f))).toBe(true);
    expect(pdf.fonts.filter((f) => /serif|song|ming|batang/i.test(f) && !/sans/i.test(f))).toEqual([]);
  });

  itWithReaders(['libreoffice', 'poppler'], 'has one title per page, 编制单位, the unit once, and the signature line', () => {
    for (const p of pdf.pages) {
      const titles = onPage(p.number).filter((t) => t.text.includes('战略客户业务状况报告表') && t.size >= 12);
      expect(titles).toHaveLength(1);
      expect(pageText(p.number)).not.toContain('报告月份：'); // the sheet's own title rows are for the screen
      expect(pageText(p.number)).toContain('编制单位：中建某局集团有限公司');
      // 金额单位：万元 once a page, in no column header (说明 explains the unit in its own line too).
      if (!pageText(p.number).includes('（说明）')) expect(pageText(p.number).split('金额单位').length - 1).toBe(1);
      for (const h of ['本月签约', '本年累计签约', '应收余额', '逾期金额']) expect(onPage(p.number).filter((t) => t.text.includes(h) && /万|元/.test(t.text))).toEqual([]);
    }
    const all = pdf.pages.map((p) => pageText(p.number)).join('\n');
    expect(all).toContain('制表人：张三');
    expect(all).toContain('审核人：李会计');
    expect(all).toContain('负责人：');
  });

  itWithReaders(['libreoffice', 'poppler'], 'prints 明细 in two bands with 客户编号, 客户名称 and 级别 on every page', () => {
    const pages = detailPages();
    const money = pages.filter((p) => pageText(p).includes('本月签约'));
    const visits = pages.filter((p) => pageText(p).includes('风险提示'));
    expect(money.length).toBeGreaterThan(0);
    expect(visits.length).toBe(money.length);
    expect(money.filter((p) => visits.includes(p))).toEqual([]); // never both on one page
    for (const p of pages) for (const h of ['客户编号', '客户名称', '级别']) expect(pageText(p)).toContain(h);
    for (const h of ['序号', '推荐单位', '客户经理', '本年累计签约', '上年同期累计', '同比(%)', '本月回款', '本年累计回款', '应收余额', '逾期金额']) expect(money.some((p) => pageText(p).includes(h))).toBe(true);
    for (const h of ['最近高层拜访', '拜访合规', '信用等级', '本月重要事项']) expect(visits.some((p) => pageText(p).includes(h))).toBe(true);
    // Every account on exactly one page of each band.
    for (const a of report.rows) {
      const has = (p: number) => onPage(p).some((t) => t.text.split(/\s+/).includes(a.code));
      expect(money.filter(has)).toHaveLength(1);
      expect(visits.filter(has)).toHaveLength(1);
    }
  });

  itWithReaders(['libreoffice', 'poppler'], 'shows every line of 本月重要事项 and 风险提示 inside its own row', () => {
    const normal = (s: string) => s.replace(/\s+/g, '');
    for (const p of detailPages().filter((n) => pageText(n).includes('风险提示'))) {
      const texts = onPage(p);
      const eventsHeader = texts.find((t) => t.text === '本月重要事项')!;
      const risksHeader = texts.find((t) => t.text === '风险提示')!;
      const body = texts.filter((t) => t.top > eventsHeader.top + eventsHeader.height);
      const codes = body.filter((t) => /KA\d{4}/.test(t.text)).sort((a, b) => a.top - b.top);
      // A run belongs to the row whose code is the last one above it (half a line of slack for baselines).
      const rowOf = (t: PdfText) => [...codes].reverse().find((c) => c.top <= t.top + 5);
      // Column edges from the two headers' centres: the columns are 36 and 28 characters wide.
      const centre = (t: PdfText) => t.left + t.width / 2;
      const eventsWidth = ((centre(risksHeader) - centre(eventsHeader)) * 2 * 36) / (36 + 28);
      const eventsLeft = centre(eventsHeader) - eventsWidth / 2;
      const boundary = centre(eventsHeader) + eventsWidth / 2;
      const column = (from: number, to: number, code: PdfText) =>
        normal(body.filter((t) => t.left >= from - 6 && t.left < to - 6 && rowOf(t) === code).sort((x, y) => x.top - y.top || x.left - y.left).map((t) => t.text).join(''));
      for (const [i, code] of codes.entries()) {
        const a = report.rows.find((r) => r.code === /KA\d{4}/.exec(code.text)![0])!;
        const events = column(eventsLeft + 6, boundary + 6, code);
        const risks = column(boundary + 6, Infinity, code);
        for (const line of a.events) expect(events).toContain(normal(line));
        for (const line of a.risks) expect(risks).toContain(normal(line));
        const next = codes[i + 1];
        const mine = body.filter((t) => t.left >= eventsLeft - 2 && rowOf(t) === code);
        if (next) for (const t of mine) expect(t.top + t.height).toBeLessThanOrEqual(next.top + 2);
      }
    }
  });
});
