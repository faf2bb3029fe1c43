/**
 * The parser without a database: files from two writers (exceljs and hand-assembled OOXML) and CSV in
 * three encodings, in every shape DESIGN.md lists → typed rows, cell errors with references, warnings.
 */
import fs from 'node:fs';
import iconv from 'iconv-lite';
import { ARCHIVE, LEDGER, PERSONS, SUMMARY, type AnnexSpec } from '../../importers/annexes';
import { openWorkbook } from '../../importers/read/open';
import { AnnexParser, type ParsedRow } from '../../importers/read/parser';
import { analyseHeader } from '../../importers/read/header';
import { parseAmountCell, parseDateCell } from '../../importers/read/coerce';
import { DateSerial } from '../../importers/read/source';
import { isDateFormat } from '../../importers/read/xlsx';
import type { IssueData } from '../../importers/read/issues';
import { DEFAULT_MANAGEMENT_LEVELS, DEFAULT_TIERS } from '../../src/db/default-policy';
import { exceljsWorkbook, handXlsx, tmpFile } from '../support/workbooks';

async function parse(spec: AnnexSpec, file: string) {
  const source = await openWorkbook(file, { maxBytes: 100 * 1024 * 1024 });
  const parser = new AnnexParser(spec, { tiers: DEFAULT_TIERS, managementLevels: DEFAULT_MANAGEMENT_LEVELS });
  const rows: ParsedRow[] = [];
  const errors: IssueData[] = [];
  const warnings: IssueData[] = [];
  try {
    for await (const r of parser.parse(source, { issue: (s, i) => (s === 'error' ? errors : warnings).push(i) })) rows.push(r);
  } finally {
    await source.close();
  }
  return { rows, errors, warnings, source };
}

describe('headers', () => {
  it('normalises width, spaces, brackets and units', () => {
    expect(analyseHeader('后续合同成交额（万元）')).toMatchObject({ key: '后续合同成交额', scale: 10_000 });
    expect(analyseHeader(' 资产 (亿元) ')).toMatchObject({ key: '资产', scale: 100_000_000 });
    expect(analyseHeader('合同金额/万元')).toMatchObject({ key: '合同金额', scale: 10_000 });
    expect(analyseHeader('*客户名称\n（必填）')).toMatchObject({ key: '客户名称', scale: null });
    expect(analyseHeader('ＥＭＡＩＬ')).toMatchObject({ key: 'email' });
  });

  it('finds a two-level merged header under a title and a 填报单位 line, scales by the header unit, reads hidden columns', async () => {
    const file = await exceljsWorkbook(tmpFile('archive.xlsx'), [{
      name: '档案',
      rows: [
        ['附件2 大客户信息管理档案'],
        ['填报单位：华东分公司', null, null, '填报日期：2025年1月10日'],
        ['序号', '客户编号', '单位 名称', '联系方式', null, null, '后续合同成交额（万元）', '资产状况 (亿元)', '客户 级别', '自定义列'],
        [null, null, null, '电话', '传真', '邮箱'],
        [1, 'KA0001', '北京宏达（集团）有限公司', '010 6234 5678', '(010)62345679', 'Office@HongDa.CN', 3500, 1.25, '战略客户', 'x'],
      ],
      merges: ['A3:A4', 'B3:B4', 'C3:C4', 'D3:F3', 'G3:G4', 'H3:H4', 'I3:I4', 'J3:J4'],
      hiddenColumns: [5],
    }]);
    const { rows, errors, warnings } = await parse(ARCHIVE, file);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0].row).toBe(5);
    expect(rows[0].values).toMatchObject({
      code: 'KA0001', name: '北京宏达(集团)有限公司', phone: '010-62345678', fax: '010-62345679', email: 'Office@hongda.cn',
      expectedContractValue: 35_000_000, totalAssets: 125_000_000, tierCode: 'STRATEGIC',
    });
    expect(rows[0].layout.headerRows).toEqual([3, 4]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'UNKNOWN_COLUMN', column: '自定义列', cell: 'J4' })]);
  });

  it('reports a missing required column once, naming it, and reads no rows of that sheet', async () => {
    const file = await exceljsWorkbook(tmpFile('persons.xlsx'), [{ rows: [['客户编号', '职务', '手机'], ['KA1', '总经理', '13800138000']] }]);
    const { rows, errors } = await parse(PERSONS, file);
    expect(rows).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: 'MISSING_COLUMN', column: '姓名', row: 1 })]);
    expect(errors[0].message).toContain('姓名');
  });

  it('says so when no sheet carries the annex header', async () => {
    const file = await exceljsWorkbook(tmpFile('other.xlsx'), [{ rows: [['品名', '数量'], ['钢材', 3]] }]);
    const { errors } = await parse(SUMMARY, file);
    expect(errors).toEqual([expect.objectContaining({ code: 'HEADER_NOT_FOUND', row: null })]);
  });
});

describe('cells', () => {
  it('reads dates as serials under any format, Chinese text dates, and rejects impossible ones with the cell reference', async () => {
    const file = await exceljsWorkbook(tmpFile('dates.xlsx'), [{
      rows: [
        ['日期', '客户编号', '内容'],
        [45356, 'KA1', 'General 格式的序列号'],
        [45356, 'KA1', '中文日期格式'],
        ['2024年3月5日', 'KA1', '文本 年月日'],
        ['2024.3.5', 'KA1', '点'],
        ['2024/03/05', 'KA1', '斜杠'],
        ['2024-03-05', 'KA1', '横杠'],
        [new Date(Date.UTC(2024, 2, 5)), 'KA1', 'exceljs Date'],
        ['2024-13-45', 'KA1', '不存在的日期'],
      ],
      numFmts: { A3: 'yyyy"年"m"月"d"日"' },
    }]);
    const { rows } = await parse(LEDGER, file);
    expect(rows.slice(0, 7).map((r) => r.values.occurredOn)).toEqual(Array(7).fill('2024-03-05'));
    expect(rows[7].errors).toEqual([expect.objectContaining({ cell: 'A9', column: '日期', value: '2024-13-45', code: 'INVALID_DATE' })]);
  });

  it('parses dates and amounts in the forms people type', () => {
    expect(parseDateCell('2024年3月5日', false)?.date).toBe('2024-03-05');
    expect(parseDateCell('20240305', false)?.date).toBe('2024-03-05');
    expect(parseDateCell(new DateSerial(1), true)?.date).toBe('1904-01-02');
    expect(parseDateCell('2023-02-29', false)).toBeNull();
    expect(parseAmountCell('1,234.5', 1)).toBe(1234.5);
    expect(parseAmountCell('3500万', 1)).toBe(35_000_000);
    expect(parseAmountCell('1.2亿', 10_000)).toBe(120_000_000);
    expect(parseAmountCell('12万元', 1)).toBe(120_000);
    expect(parseAmountCell('￥88.8', 1)).toBe(88.8);
    expect(parseAmountCell(0.1 + 0.2, 1)).toBe(0.3);
    expect(parseAmountCell(1.23456, 10_000)).toBe(12345.6);
    expect(parseAmountCell('三千', 1)).toBeNull();
  });

  it('reads a whole number cell as the same amount as its digits typed as text, in every unit, to the fen', () => {
    const numbers = [0, 1, 7, 99, 300, 25_000, 3_200_000, 123_456_789, -3, -25_000, 2 ** 31, 2 ** 40 + 1, 4_503_599_627_370_497, 9e15, 1e21];
    for (const scale of [0.01, 1, 1_000, 10_000, 100_000_000]) {
      for (const n of numbers) expect([n, scale, parseAmountCell(n, scale)]).toEqual([n, scale, parseAmountCell(n.toLocaleString('en-US', { useGrouping: false }), scale)]);
    }
    expect(Object.is(parseAmountCell(-0, 10_000), 0)).toBe(true);
    expect(parseAmountCell(25_000, 10_000)).toBe(250_000_000);
  });

  it('matches enums by label, alias or code, normalises phones, verifies credit codes, keeps = + - @ text, skips blank and footer lines', async () => {
    const file = await exceljsWorkbook(tmpFile('summary.xlsx'), [{
      rows: [
        ['附件1 大客户档案汇总表'],
        ['客户编号', '客户名称', '统一社会信用代码', '单位性质', '客户级别', '联系电话', '备注', '年合作销售额（万元）'],
        ['K1', '甲公司', '914403001922038216', '国企', '重要级', '+86 138-0013-8000', '=SUM(A1)', '1,234.5'],
        ['K2', '乙公司', '91440300192203821X', 'PRIVATE', 'KEY', '0755 8888 8888', '@张三', '三千'],
        [null, '   ', null],
        ['K3', '丙公司', null, '合资', '一般', null, '-', null],
        [],
        ['合计', null, null, null, null, null, null, 5000],
        ['制表人：张三', null, '审核人：李四'],
      ],
    }]);
    const { rows, errors } = await parse(SUMMARY, file);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.row)).toEqual([3, 4, 6]);
    expect(rows[0].values).toMatchObject({ ownership: 'STATE_OWNED', tierCode: 'KEY', phone: '13800138000', notes: '=SUM(A1)', annualSales: 12_345_000, creditCode: '914403001922038216' });
    expect(rows[1].values).toMatchObject({ ownership: 'PRIVATE', tierCode: 'KEY', phone: '0755-88888888', notes: '@张三' });
    expect(rows[1].errors.map((e) => [e.cell, e.code])).toEqual([['C4', 'INVALID_CREDIT_CODE'], ['H4', 'INVALID_AMOUNT']]);
    expect(rows[1].errors[0].message).toContain('末位应为 6');
    expect(rows[2].values).toMatchObject({ ownership: 'JOINT_VENTURE', tierCode: 'GENERAL', notes: '-' });
  });
});

describe('other writers and formats', () => {
  it('reads a hand-assembled package in Excel part order: shared strings after sheets, CJK and LibreOffice date formats, phonetic runs, prefixes, 1904 dates', async () => {
    const file = handXlsx(tmpFile('hand.xlsx'), [
      { name: '说明', rows: [['填表说明：每月一张表']] },
      { name: '2025-01', rows: [['附件4 大客户经理经营档案'], ['日期', '客户编号', '类型', '内容摘要', '合同金额（万元）'], [{ n: 45659, style: 1 }, 'KA1', '高层互访', '年度合作洽谈', 120]] },
      { name: '2025-02', rows: [['日期', '客户编号', '类型', '内容摘要', '回款金额'], [{ n: 45689, style: 2 }, 'KA1', 'COLLECTION', '收到进度款', '50万']] },
    ], { phonetic: true, prefix: true });
    const { rows, warnings } = await parse(LEDGER, file);
    expect(rows.map((r) => [r.sheet, r.row, r.values.occurredOn, r.values.type])).toEqual([
      ['2025-01', 3, '2025-01-02', 'EXECUTIVE_VISIT'],
      ['2025-02', 2, '2025-02-01', 'COLLECTION'],
    ]);
    expect(rows[0].values).toMatchObject({ summary: '年度合作洽谈', contractAmount: 1_200_000, accountCode: 'KA1' });
    expect(rows[1].values.paymentAmount).toBe(500_000);
    expect(warnings).toEqual([expect.objectContaining({ code: 'SHEET_SKIPPED', sheet: '说明' })]);

    const inline1904 = handXlsx(tmpFile('inline.xlsx'), [{ name: 'S', rows: [['日期', '客户编号', '主题'], [{ n: 43894, style: 2 }, 'KA1', '拜访']] }], { inline: true, date1904: true });
    expect((await parse(LEDGER, inline1904)).rows[0].values.occurredOn).toBe('2024-03-05');
  });

  it('recognises date number formats, Chinese ones included', () => {
    expect(isDateFormat('yyyy"年"m"月"d"日"')).toBe(true);
    expect(isDateFormat('yyyy\\年m\\月d\\日')).toBe(true);
    expect(isDateFormat('[$-804]yyyy/m/d')).toBe(true);
    expect(isDateFormat('#,##0.00_);[Red](#,##0.00)')).toBe(false);
    expect(isDateFormat('"¥"#,##0.00')).toBe(false);
    expect(isDateFormat('0.00E+00')).toBe(false);
  });

  const csvRows = '客户编号,姓名,职务,手机\r\nKA1,张 三,总经理,13800138000\r\n';
  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvRows)]), 'UTF-8 with BOM'],
    ['UTF-8', Buffer.from(csvRows), 'UTF-8'],
    ['GBK', iconv.encode(csvRows, 'gbk'), 'GBK/GB18030'],
    ['UTF-16 tab-separated (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csvRows.replace(/,/g, '\t'), 'utf16le')]), 'UTF-16'],
  ])('reads CSV in %s', async (_name, bytes, description) => {
    const file = tmpFile('人员.csv');
    fs.writeFileSync(file, bytes);
    const { rows, source } = await parse(PERSONS, file);
    expect(source.description).toContain(description);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sheet: '人员', row: 2 });
    expect(rows[0].values).toMatchObject({ accountCode: 'KA1', name: '张 三', title: '总经理', mobile: '13800138000' });
  });
});

describe('files that cannot be read', () => {
  const open = (file: string) => openWorkbook(file, { maxBytes: 1024 * 1024 });
  const write = (name: string, data: Buffer | string) => {
    const f = tmpFile(name);
    fs.writeFileSync(f, data);
    return f;
  };

  it.each([
    ['an empty file', () => write('empty.xlsx', ''), 'EMPTY_FILE'],
    ['a legacy .xls', () => write('old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)])), 'LEGACY_XLS'],
    ['a password-protected workbook', () => write('secret.xlsx', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(100), Buffer.from('EncryptedPackage', 'utf16le')])), 'ENCRYPTED_FILE'],
    ['an HTML page named .xls', () => write('export.xls', '<html><table><tr><td>客户</td></tr></table></html>'), 'UNSUPPORTED_FORMAT'],
    ['random bytes', () => write('junk.xlsx', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), 'NOT_A_WORKBOOK'],
    ['a file over the size limit', () => write('big.csv', Buffer.alloc(2 * 1024 * 1024, 0x41)), 'FILE_TOO_LARGE'],
  ])('refuses %s', async (_name, make, code) => {
    await expect(open(make())).rejects.toMatchObject({ name: 'ImportFileError', code });
  });

  it('refuses truncated and part-less workbooks, and zip bombs, before parsing', async () => {
    const good = handXlsx(tmpFile('good.xlsx'), [{ name: 'S', rows: [['客户编号', '客户名称'], ['K1', '甲']] }]);
    const bytes = fs.readFileSync(good);
    await expect(open(write('truncated.xlsx', bytes.subarray(0, Math.floor(bytes.length * 0.6))))).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    const noWorkbook = handXlsx(tmpFile('noworkbook.xlsx'), [{ name: 'S', rows: [['客户编号']] }], { omit: ['xl/workbook.xml'] });
    await expect(open(noWorkbook)).rejects.toMatchObject({ code: 'MISSING_PART' });
    const noSheet = handXlsx(tmpFile('nosheet.xlsx'), [{ name: 'S', rows: [['客户编号']] }], { omit: ['xl/worksheets/Data1.xml'] });
    await expect(open(noSheet)).rejects.toMatchObject({ code: 'MISSING_PART' });
    const { zip } = await import('../support/workbooks');
    // 1 MB of zeros declared as 3 GB: the central directory alone gives it away.
    const bomb = write('bomb.xlsx', zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(1024 * 1024), declaredSize: 3_000_000_000 }, { name: 'xl/workbook.xml', data: '<workbook/>' }]));
    const started = Date.now();
    await expect(open(bomb)).rejects.toMatchObject({ code: 'ZIP_BOMB' });
    // Refused from the central directory, not by inflating: even a loaded 2-core CI machine answers well within this.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses a part that inflates past its declared size', async () => {
    const { zip } = await import('../support/workbooks');
    const sheet = `<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(20000)}</sheetData></worksheet>`;
    const file = write('liar.xlsx', zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' },
      { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
      { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: 1000 },
    ]));
    const { errors } = await parse(SUMMARY, file).catch((e) => ({ errors: [e] }));
    expect(errors[0]).toMatchObject({ code: 'ZIP_BOMB' });
  });
});
