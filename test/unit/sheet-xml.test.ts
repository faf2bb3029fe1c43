/**
 * The worksheet reader on XML as writers produce it — and as they may: prefixes, inline strings with
 * runs and phonetic text, references, CDATA, comments, self-closing elements, either quote, '>' inside
 * a value, missing cell and row references — cut into chunks at every position; and malformed parts
 * refused with a reason.
 */
import { SheetXmlError, SheetXmlReader, decodeXmlText } from '../../importers/read/sheet-xml';
import type { RawRow } from '../../importers/read/source';

function read(chunks: string[]): RawRow[] {
  const rows: RawRow[] = [];
  const reader = new SheetXmlReader(rows, {
    cell: (type, text, style) => `${type}|${style}|${text}`,
    maxCellText: 100,
    maxColumns: 16_384,
    refuse: (what, detail) => new Error(`${what} ${detail}`),
  });
  for (const c of chunks) reader.write(c);
  reader.end();
  return rows;
}

const SHEET =
  '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
  '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- <c r="Z9"><v>no</v></c> -->' +
  '<x:dimension ref="A1:D4"/><x:sheetViews><x:sheetView workbookViewId="0"/></x:sheetViews>' +
  '<x:sheetData>' +
  '<x:row r="1" spans="1:4"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" s="3"><x:v>45000</x:v></x:c></x:row>' +
  // Inline string in runs with a phonetic run between; entity and character references; CRLF inside text.
  "<x:row r='2'><x:c r='B2' t='inlineStr'><x:is><x:r><x:t>中&amp;国</x:t></x:r><x:rPh sb=\"0\" eb=\"1\"><x:t>zhong</x:t></x:rPh><x:r><x:t xml:space=\"preserve\"> &#x5EFA;&#31561;&lt;a&gt;\r\nb</x:t></x:r></x:is></x:c></x:row>" +
  // No references: the row follows the last, the cells follow each other; a formula's cached value; spaces around =.
  '<x:row><x:c t = "str"><x:f>A1&amp;"x"</x:f><x:v>ab&quot;c</x:v></x:c><x:c/><x:c><x:v><![CDATA[1&2]]></x:v></x:c></x:row>' +
  // An empty row, a '>' inside an attribute value, an empty value.
  '<x:row r="5"/><x:row r="6" x14ac:note="a>b" ><x:c r="D6" t="e"><x:v>#N/A</x:v></x:c><x:c r="E6"><x:v/></x:c></x:row>' +
  '</x:sheetData>' +
  '<x:mergeCells count="0"/></x:worksheet>\r\n';

const EXPECTED: RawRow[] = [
  { number: 1, cells: ['s|0|0', null, 'n|3|45000'] },
  { number: 2, cells: [null, 'inlineStr|0|中&国 建等<a>\nb'] },
  { number: 3, cells: ['str|0|ab"c', null, 'n|0|1&2'] },
  { number: 5, cells: [] },
  { number: 6, cells: [null, null, null, 'e|0|#N/A', 'n|0|'] },
];

describe('SheetXmlReader', () => {
  it('reads rows and cells as a checking XML reader would, whatever the writer’s spelling', () => {
    expect(read([SHEET])).toEqual(EXPECTED);
  });

  it('gives the same rows however the text is cut into chunks', () => {
    for (let cut = 1; cut < SHEET.length; cut++) expect([cut, read([SHEET.slice(0, cut), SHEET.slice(cut)])]).toEqual([cut, EXPECTED]);
    const ones = SHEET.split('');
    expect(read(ones)).toEqual(EXPECTED);
  });

  it('refuses malformed parts with the reason and where', () => {
    const bad = (xml: string) => () => read([xml]);
    expect(bad('<worksheet><sheetData><row><c><v>1</c></row></sheetData></worksheet>')).toThrow(/<\/c> where <\/v> was expected \(character \d+/);
    expect(bad('<worksheet><sheetData><row><c><v>1</v></c>')).toThrow(/ends before <\/row>/);
    expect(bad('<worksheet><sheetData><row><c r="A1')).toThrow(/ends inside markup/);
    expect(bad('<worksheet><sheetData><row><c t=s><v>1</v></c></row></sheetData></worksheet>')).toThrow(/not quoted/);
    expect(bad('<worksheet><sheetData><row><c t="s"><v>&nbsp;</v></c></row></sheetData></worksheet>')).toThrow(/"&nbsp" is not an XML character or entity reference/);
    expect(bad('<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>')).toThrow(/DOCTYPE/);
    expect(bad('')).toThrow(/no root element/);
    expect(bad('<worksheet></sheetData></worksheet>')).toThrow(/<\/sheetData> where <\/worksheet> was expected/);
    for (const e of [bad('<worksheet><sheetData></worksheet>'), bad('<a b></a>')]) expect(e).toThrow(SheetXmlError);
  });

  it('stops at a cell longer than allowed and at a reference outside a sheet, in the caller’s words', () => {
    expect(() => read([`<worksheet><sheetData><row><c t="str"><v>${'x'.repeat(101)}</v></c></row></sheetData></worksheet>`])).toThrow('cell-text');
    expect(() => read(['<worksheet><sheetData><row><c r="1A"><v>1</v></c></row></sheetData></worksheet>'])).toThrow('cell-ref 1A');
  });

  it('decodes references and nothing else', () => {
    expect(decodeXmlText('a&amp;b&#65;&#x1F600;&apos;&quot;')).toBe('a&bA😀\'"');
    expect(decodeXmlText('plain 文字')).toBe('plain 文字');
    expect(() => decodeXmlText('&#0;')).toThrow(SheetXmlError);
    expect(() => decodeXmlText('a & b')).toThrow(SheetXmlError);
  });
});
