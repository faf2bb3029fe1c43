/**
 * Validators for the identifiers and contact data found in Chinese account archives.
 * Each `normalizeX` returns the canonical form or throws a {@link DomainError} naming the field.
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A canonical 统一社会信用代码: its alphabet (no I, O, S, V, Z), a 6-digit division code in places 3–8. */
const CANONICAL_CREDIT_CODE = /^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/;
/** normalizePhone's own outputs without an extension: a mobile, or `0AA(A)-NNNNNNN(N)`. */
const CANONICAL_PHONE = /^(?:1[3-9]\d{9}|0(?:10|2\d|[3-9]\d{2})-[2-9]\d{6,7})$/;
const UPPER_DOMAIN = /@.*[A-Z]/;
const POSTAL_CODE = /^[0-8]\d{5}$/;
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character for the first 17 characters of a 统一社会信用代码. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i]);
    if (v < 0) throw new Error(`invalid character ${first17[i]}`);
    sum += v * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31];
}

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character for the first 8 characters of a 组织机构代码. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) throw new Error(`invalid character ${first8[i]}`);
    sum += v * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

function compactCode(value: string): string {
  return value.normalize('NFKC').replace(/[\s\-－—_]/g, '').toUpperCase();
}

/**
 * Canonical 统一社会信用代码 (18 characters, GB 32100-2015, check character verified).
 * Also accepts a 9-character 组织机构代码 (GB 11714, `XXXXXXXX-X`) as issued before 2015.
 */
export function normalizeCreditCode(value: string, field = 'creditCode'): string {
  // Already canonical (as an import's parser hands it to the service): checked, not rebuilt.
  if (value.length === 18 && CANONICAL_CREDIT_CODE.test(value) && creditCodeCheckChar(value) === value[17]) return value;
  const code = compactCode(value);
  if (code.length === 9) return normalizeOrgCode(code, field);
  if (code.length !== 18) {
    throw new DomainError(ErrorCode.INVALID_CREDIT_CODE, `${field}: ${say(`「${value}」应为 18 位（统一社会信用代码）或 9 位（组织机构代码），实为 ${code.length} 位`, `"${value}" must have 18 characters (统一社会信用代码) or 9 (组织机构代码), it has ${code.length}`)}`, { field, value });
  }
  const bad = [...code].find((c) => !CREDIT_CODE_CHARS.includes(c));
  if (bad !== undefined) {
    throw new DomainError(ErrorCode.INVALID_CREDIT_CODE, `${field}: ${say(`「${value}」含「${bad}」，统一社会信用代码不用此字符（无 I、O、S、V、Z）`, `"${value}" contains "${bad}", which a 统一社会信用代码 never uses (no I, O, S, V, Z)`)}`, { field, value });
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    throw new DomainError(ErrorCode.INVALID_CREDIT_CODE, `${field}: ${say(`「${value}」第 3–8 位应为 6 位行政区划代码`, `"${value}" characters 3–8 must be the 6-digit administrative division code`)}`, { field, value });
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    throw new DomainError(ErrorCode.INVALID_CREDIT_CODE, `${field}: ${say(`「${value}」未通过 GB 32100 校验（末位应为 ${expected}）`, `"${value}" fails the GB 32100 check (last character should be ${expected})`)}`, { field, value });
  }
  return code;
}

/** Canonical 组织机构代码 `XXXXXXXXX` (9 characters, no hyphen, check character verified). */
export function normalizeOrgCode(value: string, field = 'orgCode'): string {
  const code = compactCode(value);
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) {
    throw new DomainError(ErrorCode.INVALID_ORG_CODE, `${field}: ${say(`「${value}」不是组织机构代码（8 位数字或大写字母加 1 位校验码）`, `"${value}" is not a 组织机构代码 (8 digits or capitals and a check character)`)}`, { field, value });
  }
  const expected = orgCodeCheckChar(code.slice(0, 8));
  if (code[8] !== expected) {
    throw new DomainError(ErrorCode.INVALID_ORG_CODE, `${field}: ${say(`「${value}」未通过 GB 11714 校验（末位应为 ${expected}）`, `"${value}" fails the GB 11714 check (last character should be ${expected})`)}`, { field, value });
  }
  return code;
}

/** True for a valid 18-character credit code or 9-character organisation code. */
export function isValidCreditCode(value: string): boolean {
  try {
    normalizeCreditCode(value);
    return true;
  } catch {
    return false;
  }
}

function digitsOf(value: string): string {
  return value.normalize('NFKC').replace(/[\s\-—－()（）.]/g, '');
}

/** Mainland mobile number → 11 digits (`+86`, `0086`, spaces and dashes removed). */
export function normalizeMobile(value: string, field = 'mobile'): string {
  let d = digitsOf(value);
  d = d.replace(/^(\+86|0086|86(?=1\d{10}$))/, '');
  if (!/^1[3-9]\d{9}$/.test(d)) {
    throw new DomainError(ErrorCode.INVALID_MOBILE, `${field}: ${say(`「${value}」不是大陆手机号（以 13–19 开头的 11 位数字）`, `"${value}" is not a mainland mobile number (11 digits starting 13–19)`)}`, { field, value });
  }
  return d;
}

/**
 * Mainland landline → `0AA-NNNNNNNN[-EXT]`, a local `NNNNNNNN` without area code, or a
 * `400`/`800` service number as `400-NNN-NNNN`. Mobiles are accepted too (people put them anywhere).
 */
export function normalizePhone(value: string, field = 'phone'): string {
  // Already canonical (a mobile, or area code and number): what the rules below would return.
  if (CANONICAL_PHONE.test(value)) return value;
  const raw = value.normalize('NFKC').trim();
  const ext = /(?:转|ext\.?|x|#|分机)\s*(\d{1,6})$/i.exec(raw);
  const main = ext ? raw.slice(0, ext.index) : raw;
  let d = digitsOf(main).replace(/^(\+86|0086)/, '');
  const suffix = ext ? `-${ext[1]}` : '';
  if (/^1[3-9]\d{9}$/.test(d)) return d + suffix;
  if (/^[48]00\d{7}$/.test(d)) return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}${suffix}`;
  // Leading 0 then a 2-digit (010, 02x) or 3-digit area code, then a 7–8 digit number.
  if (!d.startsWith('0') && /^[1-9]\d{9,10}$/.test(d)) d = `0${d}`;
  const withArea = /^(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})$/.exec(d);
  if (withArea) return `${withArea[1]}-${withArea[2]}${suffix}`;
  // Extension written with a dash: 010-12345678-123
  const dashed = /^(0(?:10|2\d|[3-9]\d{2}))[-\s]?([2-9]\d{6,7})[-\s](\d{1,6})$/.exec(main.replace(/^(\+86|0086)\s*/, ''));
  if (dashed) return `${dashed[1]}-${dashed[2]}-${dashed[3]}`;
  if (/^[2-9]\d{6,7}$/.test(d)) return d + suffix;
  throw new DomainError(ErrorCode.INVALID_PHONE, `${field}: ${say(`「${value}」不是电话号码（如 010-62345678、0755-8888888 或手机号）`, `"${value}" is not a telephone number (e.g. 010-62345678, 0755-8888888 or a mobile)`)}`, { field, value });
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Email → trimmed, domain lower-cased. */
export function normalizeEmail(value: string, field = 'email'): string {
  // Already canonical: ASCII, no spaces, the domain in lower case.
  if (value.length <= 254 && EMAIL.test(value) && !UPPER_DOMAIN.test(value)) return value;
  const v = value.normalize('NFKC').trim().replace(/＠/g, '@');
  if (v.length > 254 || !EMAIL.test(v)) {
    throw new DomainError(ErrorCode.INVALID_EMAIL, `${field}: ${say(`「${value}」不是电子邮箱地址`, `"${value}" is not an email address`)}`, { field, value });
  }
  const at = v.lastIndexOf('@');
  return v.slice(0, at) + '@' + v.slice(at + 1).toLowerCase();
}

/** Mainland postal code: 6 digits, first digit 0–8. */
export function normalizePostalCode(value: string, field = 'postalCode'): string {
  if (POSTAL_CODE.test(value)) return value;
  const v = digitsOf(value);
  if (!POSTAL_CODE.test(v)) {
    throw new DomainError(ErrorCode.INVALID_POSTAL_CODE, `${field}: ${say(`「${value}」不是 6 位邮政编码`, `"${value}" is not a 6-digit postal code`)}`, { field, value });
  }
  return v;
}

/** `138****1234` — the masked form of a mobile shown to roles without need-to-know. */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : mobile.replace(/\d(?=\d{4})/g, '*');
}
