/**
 * RowWriter (modules/reports/xlsx-stream.ts) writes a streaming sheet's data rows as XML itself, for
 * speed; the report must not change by it. The same rows are written once through exceljs' own Row and
 * Cell objects and once by RowWriter, into two workbooks: every row's XML and the styles registered
 * must be the same. Fails when exceljs changes what it writes (an upgrade) or RowWriter drifts from it.
 */
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { RowWriter, streamingWorkbook } from '../../src/modules/reports/xlsx-stream';

const BORDER: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, bottom: { style: 'thin' } };
const STYLES: Partial<ExcelJS.Style>[] = (
  [
    { numFmt: '0', font: { name: '等线', size: 11 }, border: BORDER },
    { numFmt: '@', font: { name: '等线', size: 11 }, alignment: { wrapText: true, vertical: 'top' } },
    { numFmt: '#,##0.00', font: { name: '等线', size: 11, bold: true }, border: BORDER },
    { numFmt: 'yyyy-mm-dd', font: { name: '等线', size: 11 } },
    { font: { name: '等线', size: 11 } },
  ] as Partial<ExcelJS.Style>[]
).map((s) => Object.freeze(s));

const ROWS: { values: ExcelJS.CellValue[]; height?: number }[] = [
  { values: [1, '普通客户', 1234.5678, new Date('2026-10-31T00:00:00Z'), 'x'], height: 20 },
  { values: [2, 'A&B <公司> "引号" \'单\'', -0.000001, null, null], height: 36 },
  { values: [3, '多行\n第二行', 1e21, new Date('1900-03-01T00:00:00Z'), ''] },
  { values: [null, '=SUM(A1)', 0, null, '🙂𠀀 控制\u0001字符 \t'], height: 409 },
  { values: [5, null, Number.MAX_SAFE_INTEGER, new Date('2026-02-28T00:00:00Z'), 7] },
];

/** A workbook writing into memory whose sheet records the rows' XML as they are written. */
function recordingSheet(): { wb: ExcelJS.stream.xlsx.WorkbookWriter; ws: ExcelJS.Worksheet; rows: string[]; done: Promise<void> } {
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const done = new Promise<void>((resolve) => sink.once('finish', () => resolve()));
  const wb = streamingWorkbook(sink);
  const ws = wb.addWorksheet('明细');
  ws.columns = STYLES.map(() => ({ width: 10 }));
  // Rows before the data, written by exceljs in both workbooks (the title and header rows of the report).
  const title = ws.getRow(1);
  title.getCell(1).value = '标题';
  title.commit();
  const rows: string[] = [];
  const stream = (ws as unknown as { stream: { write(x: unknown): unknown } }).stream;
  const write = stream.write.bind(stream);
  stream.write = (x: unknown) => {
    if (typeof x === 'string' && x.startsWith('<row')) rows.push(x);
    return write(x);
  };
  return { wb, ws, rows, done };
}

function stylesOf(wb: ExcelJS.stream.xlsx.WorkbookWriter): unknown {
  return (wb as unknown as { styles: { model: unknown } }).styles.model;
}

describe('RowWriter', () => {
  it('writes the XML and registers the styles exceljs does for the same rows', async () => {
    const viaExceljs = recordingSheet();
    ROWS.forEach(({ values, height }, i) => {
      const row = viaExceljs.ws.getRow(i + 2);
      if (height !== undefined) row.height = height;
      values.forEach((v, c) => {
        const cell = row.getCell(c + 1);
        cell.style = STYLES[c];
        cell.value = v;
      });
      row.commit();
    });
    const viaWriter = recordingSheet();
    const writer = new RowWriter(viaWriter.ws, STYLES);
    ROWS.forEach(({ values, height }, i) => writer.write(i + 2, values, height));

    // A row after them through exceljs again (the report's total row).
    for (const { ws } of [viaExceljs, viaWriter]) {
      const total = ws.getRow(ROWS.length + 2);
      total.getCell(1).value = '合计';
      total.commit();
    }
    for (const s of [viaExceljs, viaWriter]) {
      s.ws.commit();
      await s.wb.commit();
      await s.done;
    }
    expect(viaWriter.rows).toHaveLength(ROWS.length + 1); // the data rows and the total (the title row came before the recording)
    expect(viaWriter.rows).toEqual(viaExceljs.rows);
    expect(stylesOf(viaWriter.wb)).toEqual(stylesOf(viaExceljs.wb));
  });

  it('refuses rows out of order and values it cannot write', () => {
    const { ws } = recordingSheet();
    const writer = new RowWriter(ws, STYLES);
    expect(() => writer.write(5, [1])).toThrow('RowWriter: row 5 is not the sheet\'s next row (2)');
    expect(() => writer.write(2, [{ formula: 'A1' } as ExcelJS.CellValue])).toThrow('RowWriter: unsupported value in A2');
  });
});
