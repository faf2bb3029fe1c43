/**
 * A worksheet part's rows (SpreadsheetML `<sheetData>`), read from its XML text chunk by chunk.
 *
 * Why not the SAX parser the small parts go through (saxes): a worksheet is almost all of a workbook's
 * bytes, and a general SAX parser walks them character by character through a state machine and
 * builds a tag object with an attribute map for every `<c>` — on a 200,000-row 附件2 (178 MB of
 * sheet XML) that was 4.3–4.8 s and most of the import's garbage, where the rows need three
 * attributes of two elements. This reader finds markup with the engine's native `indexOf`, reads only
 * `r`, `t` and `s` of `<row>` and `<c>`, keeps cell text as written until the cell closes and decodes
 * it then. It is still a checking XML reader for what it reads: elements must nest and close (any
 * namespace prefix, as Excel, WPS, LibreOffice and other writers use), attributes must be quoted,
 * character and entity references must be XML's own, comments, processing instructions and CDATA are
 * understood, line ends are normalised, and a file that stops inside markup or an element is refused.
 * A DOCTYPE (which no spreadsheet writer emits, and which could declare entities) is refused.
 */
import { columnIndex } from './issues';
import type { CellValue, RawRow } from './source';

/** What the reader builds cells with and how much it accepts. */
export interface SheetXmlOptions {
  /** The cell's value from its `t` attribute, its text (decoded) and its `s` (style index). */
  cell(type: string, text: string, style: number): CellValue;
  /** Longest cell text accepted (characters as written). */
  maxCellText: number;
  /** Widest row accepted (columns). */
  maxColumns: number;
  /** Errors about the content (a cell reference outside a sheet, a cell too long), as the caller words them. */
  refuse(what: 'cell-ref' | 'cell-text', detail: string): Error;
}

/** Malformed XML: the message says what and where (character offset in the part). */
export class SheetXmlError extends Error {}

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const QUOTE = 34;
const APOS = 39;
/** Markup is never this long in a worksheet; a file whose "tag" is, is not one (and must not be buffered whole). */
const MAX_MARKUP = 1 << 20;

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text as written → text: XML's five entities and character references, line ends normalised. */
export function decodeXmlText(raw: string): string {
  let s = raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n');
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    const name = semi < 0 || semi - amp > 12 ? null : s.slice(amp + 1, semi);
    let ch: string | undefined;
    if (name !== null) {
      if (name.charCodeAt(0) === 35 /* # */) {
        const hex = name[1] === 'x';
        const digits = name.slice(hex ? 2 : 1);
        const code = (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) ? parseInt(digits, hex ? 16 : 10) : NaN;
        if (code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)) ch = String.fromCodePoint(code);
      } else ch = NAMED[name];
    }
    if (ch === undefined) throw new SheetXmlError(`"&${name ?? s.slice(amp + 1, amp + 8)}" is not an XML character or entity reference`);
    out += s.slice(from, amp) + ch;
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  s = out + s.slice(from);
  return s;
}

/**
 * Feed it the part's text with {@link write} (any chunking), then {@link end}; complete rows are
 * appended to `rows` as their `</row>` is read.
 */
export class SheetXmlReader {
  private pending = '';
  /** Characters consumed before `pending` (for error positions). */
  private offset = 0;
  private readonly open: string[] = [];
  private sawRoot = false;
  // Where we are in <sheetData>.
  private inData = false;
  private row: CellValue[] | null = null;
  private rowNumber = 0;
  private col = -1;
  private type = 'n';
  private style = 0;
  private hasValue = false;
  private capture = false; // inside <v>, or <t> of an inline string
  private inInline = false;
  private phonetic = 0;
  private text = '';
  // Attributes of the tag being read (only r, t and s of <row> and <c> are kept).
  private attrR: string | null = null;
  private attrT: string | null = null;
  private attrS: string | null = null;

  constructor(
    private readonly rows: RawRow[],
    private readonly options: SheetXmlOptions,
  ) {}

  write(chunk: string): void {
    let i = 0;
    if (this.pending.length) {
      // The markup the last chunk ended inside, completed with as little of this one as it takes (a tag's
      // rest is a few characters): joining the whole chunk behind it copied every chunk of the sheet again.
      const p = this.pending;
      for (let k = Math.min(chunk.length, 256); ; k = Math.min(chunk.length, k * 8)) {
        const next = this.markup(p + chunk.slice(0, k), 0);
        if (next >= 0) {
          i = next - p.length;
          this.offset += p.length;
          this.pending = '';
          break;
        }
        if (k === chunk.length) {
          this.pending = p + chunk;
          if (this.pending.length > MAX_MARKUP) this.fail('markup that never closes');
          return;
        }
      }
    }
    const s = chunk;
    const n = s.length;
    while (i < n) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        this.chars(s, i, n);
        i = n;
        break;
      }
      if (lt > i) this.chars(s, i, lt);
      const next = this.markup(s, lt);
      if (next < 0) {
        i = lt;
        break;
      }
      i = next;
    }
    this.pending = i < n ? s.slice(i) : '';
    this.offset += i;
    if (this.pending.length > MAX_MARKUP) this.fail('markup that never closes');
  }

  end(): void {
    if (this.pending.trim() !== '') this.fail(`the part ends inside markup ("${this.pending.slice(0, 20)}…")`);
    if (this.open.length) this.fail(`the part ends before </${this.open[this.open.length - 1]}>`);
    if (!this.sawRoot) this.fail('the part has no root element');
  }

  private fail(what: string, at = 0): never {
    throw new SheetXmlError(`${what} (character ${this.offset + at} of the worksheet part)`);
  }

  private chars(s: string, from: number, to: number): void {
    if (!this.capture) return;
    this.text += s.slice(from, to);
    if (this.text.length > this.options.maxCellText) throw this.options.refuse('cell-text', '');
  }

  /** Reads the markup starting at `lt`; returns the index after it, or -1 when the chunk ends inside it. */
  private markup(s: string, lt: number): number {
    const n = s.length;
    if (lt + 1 >= n) return -1;
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === SLASH) {
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0) return -1;
      let e = gt;
      while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
      const name = s.slice(lt + 2, e);
      const expected = this.open.pop();
      if (expected !== name) this.fail(expected === undefined ? `</${name}> closes no element` : `</${name}> where </${expected}> was expected`, lt);
      this.close(localName(name));
      return gt + 1;
    }
    if (c1 === QUESTION) {
      const e = s.indexOf('?>', lt + 2);
      return e < 0 ? -1 : e + 2;
    }
    if (c1 === BANG) {
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        return e < 0 ? -1 : e + 3;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e < 0) return -1;
        // Cell text is kept as written until the cell closes; CDATA's & is text, so it is escaped for the decoder.
        if (this.capture) {
          const body = s.slice(lt + 9, e).replace(/\r\n?/g, '\n').replace(/&/g, '&amp;');
          this.chars(body, 0, body.length);
        }
        return e + 3;
      }
      if (n - lt < 9) return -1;
      this.fail(s.startsWith('<!DOCTYPE', lt) ? 'a DOCTYPE (no spreadsheet writer emits one)' : `unknown markup "${s.slice(lt, lt + 9)}"`, lt);
    }
    // A start tag: its name, then attributes up to > or />.
    let j = lt + 1;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (isSpace(c) || c === GT || c === SLASH) break;
      j++;
    }
    if (j >= n) return -1;
    if (j === lt + 1) this.fail('"<" that starts no element', lt);
    const name = s.slice(lt + 1, j);
    const local = localName(name);
    const wanted = local === 'c' || local === 'row';
    this.attrR = this.attrT = this.attrS = null;
    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) return -1;
      let c = s.charCodeAt(j);
      if (c === GT) {
        j++;
        break;
      }
      if (c === SLASH) {
        if (j + 1 >= n) return -1;
        if (s.charCodeAt(j + 1) !== GT) this.fail(`"/" inside <${name}>`, j);
        selfClosing = true;
        j += 2;
        break;
      }
      const a0 = j;
      while (j < n) {
        c = s.charCodeAt(j);
        if (c === EQUALS || isSpace(c) || c === GT || c === SLASH) break;
        j++;
      }
      if (j >= n) return -1;
      const a1 = j;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) return -1;
      if (s.charCodeAt(j) !== EQUALS) this.fail(`attribute ${s.slice(a0, a1)} of <${name}> has no value`, j);
      j++;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) return -1;
      const q = s.charCodeAt(j);
      if (q !== QUOTE && q !== APOS) this.fail(`attribute ${s.slice(a0, a1)} of <${name}> is not quoted`, j);
      const v1 = s.indexOf(q === QUOTE ? '"' : "'", j + 1);
      if (v1 < 0) return -1;
      if (wanted && a1 - a0 === 1) {
        const raw = s.slice(j + 1, v1);
        const value = raw.indexOf('&') < 0 ? raw : decodeXmlText(raw);
        const k = s.charCodeAt(a0);
        if (k === 114 /* r */) this.attrR = value;
        else if (k === 116 /* t */) this.attrT = value;
        else if (k === 115 /* s */) this.attrS = value;
      }
      j = v1 + 1;
    }
    this.sawRoot = true;
    this.start(local);
    if (selfClosing) this.close(local);
    else this.open.push(name);
    return j;
  }

  private start(local: string): void {
    if (local === 'c') {
      if (!this.row) return;
      const ref = this.attrR;
      if (ref !== null) {
        let k = 0;
        while (k < ref.length && ref.charCodeAt(k) >= 65 && ref.charCodeAt(k) <= 90) k++;
        this.col = columnIndex(ref.slice(0, k));
      } else this.col++;
      if (this.col < 0 || this.col >= this.options.maxColumns) throw this.options.refuse('cell-ref', ref ?? '');
      this.type = this.attrT ?? 'n';
      this.style = this.attrS ? Number(this.attrS) : 0;
      this.text = '';
      this.hasValue = false;
    } else if (local === 'v') {
      if (!this.row) return;
      this.capture = true;
      this.hasValue = true;
    } else if (local === 'is') {
      this.inInline = true;
      this.hasValue = true;
    } else if (local === 'rPh') {
      this.phonetic++;
    } else if (local === 't') {
      if (this.inInline && this.phonetic === 0) this.capture = true;
    } else if (local === 'row') {
      if (!this.inData) return;
      this.rowNumber = this.attrR ? Number(this.attrR) : this.rowNumber + 1;
      this.row = [];
      this.col = -1;
    } else if (local === 'sheetData') {
      this.inData = true;
    }
  }

  private close(local: string): void {
    if (local === 'v' || local === 't') this.capture = false;
    else if (local === 'c') {
      if (this.row && this.hasValue) this.row[this.col] = this.options.cell(this.type, decodeXmlText(this.text), this.style);
    } else if (local === 'row') {
      const row = this.row;
      if (!row) return;
      for (let i = 0; i < row.length; i++) if (row[i] === undefined) row[i] = null;
      this.rows.push({ number: this.rowNumber, cells: row });
      this.row = null;
    } else if (local === 'is') this.inInline = false;
    else if (local === 'rPh') this.phonetic--;
    else if (local === 'sheetData') this.inData = false;
  }
}

/** An element or attribute name without its namespace prefix (`x:c` → `c`). */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
