import {
  creditCodeCheckChar, maskMobile, normalizeCreditCode, normalizeEmail, normalizeMobile, normalizeOrgCode, normalizePhone, normalizePostalCode, orgCodeCheckChar,
} from '../../src/common/validation';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { setLanguage } from '../../src/common/messages';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return undefined;
}

describe('统一社会信用代码 (GB 32100-2015)', () => {
  // Published codes of well-known companies.
  it.each([
    ['914403001922038216', '华为技术有限公司'],
    ['9144030071526726XG', '深圳市腾讯计算机系统有限公司'],
    ['91110108551385082Q', '小米科技有限责任公司'],
    ['91330100799655058B', '阿里巴巴（中国）有限公司'],
  ])('accepts %s (%s)', (code) => {
    expect(normalizeCreditCode(code)).toBe(code);
  });

  it('normalises case, full-width characters, spaces and dashes', () => {
    expect(normalizeCreditCode(' 9144 0300 7152 6726xg ')).toBe('9144030071526726XG');
    expect(normalizeCreditCode('９１４４０３００１９２２０３８２１６')).toBe('914403001922038216');
  });

  it('computes the check character', () => {
    expect(creditCodeCheckChar('91440300192203821')).toBe('6');
    expect(creditCodeCheckChar('9144030071526726X')).toBe('G');
  });

  it('rejects a wrong check character, naming the expected one', () => {
    expect(() => normalizeCreditCode('914403001922038217')).toThrow(/末位应为 6/);
    expect(codeOf(() => normalizeCreditCode('914403001922038217'))).toBe(ErrorCode.INVALID_CREDIT_CODE);
  });

  it('rejects wrong lengths and letters the standard never uses', () => {
    expect(codeOf(() => normalizeCreditCode('91440300192203821'))).toBe(ErrorCode.INVALID_CREDIT_CODE);
    expect(() => normalizeCreditCode('91440300I92203821X')).toThrow(/「I」/);
    expect(() => normalizeCreditCode('9144AB0071526726XG')).toThrow(/行政区划代码/);
  });

  it('accepts a 9-character 组织机构代码 (GB 11714) in its place', () => {
    expect(normalizeCreditCode('19220382-1')).toBe('192203821');
  });
});

describe('组织机构代码 (GB 11714)', () => {
  it('verifies the check character, including X and 0', () => {
    expect(orgCodeCheckChar('19220382')).toBe('1');
    expect(normalizeOrgCode('71526726-X')).toBe('71526726X');
    expect(codeOf(() => normalizeOrgCode('71526726-1'))).toBe(ErrorCode.INVALID_ORG_CODE);
  });
});

describe('phones, email, postal code', () => {
  it('normalises mainland mobiles and rejects others', () => {
    expect(normalizeMobile('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizeMobile('0086 13800138000')).toBe('13800138000');
    expect(normalizeMobile('１３８００１３８０００')).toBe('13800138000');
    expect(codeOf(() => normalizeMobile('12800138000'))).toBe(ErrorCode.INVALID_MOBILE);
    expect(codeOf(() => normalizeMobile('1380013800'))).toBe(ErrorCode.INVALID_MOBILE);
  });

  it('normalises landlines with area codes, extensions and service numbers', () => {
    expect(normalizePhone('(010)62345678')).toBe('010-62345678');
    expect(normalizePhone('0755 8888 8888')).toBe('0755-88888888');
    expect(normalizePhone('021-5555666 转 801')).toBe('021-5555666-801');
    expect(normalizePhone('010-62345678-123')).toBe('010-62345678-123');
    expect(normalizePhone('400 810 8888')).toBe('400-810-8888');
    expect(normalizePhone('62345678')).toBe('62345678');
    expect(normalizePhone('13800138000')).toBe('13800138000');
    expect(codeOf(() => normalizePhone('12345'))).toBe(ErrorCode.INVALID_PHONE);
    expect(codeOf(() => normalizePhone('电话待补'))).toBe(ErrorCode.INVALID_PHONE);
  });

  it('checks email and lower-cases the domain', () => {
    expect(normalizeEmail(' Zhang.San@Example.COM ')).toBe('Zhang.San@example.com');
    expect(normalizeEmail('li＠example.cn')).toBe('li@example.cn');
    expect(codeOf(() => normalizeEmail('zhang@'))).toBe(ErrorCode.INVALID_EMAIL);
  });

  it('checks 6-digit postal codes', () => {
    expect(normalizePostalCode('100 080')).toBe('100080');
    expect(codeOf(() => normalizePostalCode('10008'))).toBe(ErrorCode.INVALID_POSTAL_CODE);
    expect(codeOf(() => normalizePostalCode('900080'))).toBe(ErrorCode.INVALID_POSTAL_CODE);
  });

  it('masks a mobile as 138****1234', () => {
    expect(maskMobile('13800001234')).toBe('138****1234');
  });
});

describe('messages: Chinese first, English with KAM_LANG=en; the code the same either way', () => {
  afterEach(() => setLanguage('zh'));

  it('says a bad mobile in Chinese, then in English', () => {
    expect(() => normalizeMobile('12345', 'mobile')).toThrow('mobile: 「12345」不是大陆手机号（以 13–19 开头的 11 位数字）');
    setLanguage('en');
    expect(() => normalizeMobile('12345', 'mobile')).toThrow('mobile: "12345" is not a mainland mobile number (11 digits starting 13–19)');
    expect(codeOf(() => normalizeMobile('12345'))).toBe(ErrorCode.INVALID_MOBILE);
  });
});

/**
 * The normalizers accept an already-canonical value as it is (an import hands the service values its
 * parser normalised). A leading space keeps a value off that shortcut, through the full rules: for any
 * value the shortcut takes, the full rules must give the value itself — else the shortcut would let
 * through what the rules rebuild or refuse.
 */
describe('canonical values take the shortcut only where the full rules agree', () => {
  let seed = 17;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[rand(chars.length)]).join('');
  const DIGITS = '0123456789';

  it('统一社会信用代码', () => {
    for (let i = 0; i < 2000; i++) {
      const first17 = pick('0123456789ABCDEFGHJKLMNPQRTUWXY', 2) + pick(DIGITS, 6) + pick('0123456789ABCDEFGHJKLMNPQRTUWXY', 9);
      const code = first17 + creditCodeCheckChar(first17);
      expect(normalizeCreditCode(code)).toBe(code);
      expect(normalizeCreditCode(` ${code}`)).toBe(code);
      // A wrong check character is refused on either path.
      const wrong = first17 + (code[17] === '0' ? '1' : '0');
      expect(() => normalizeCreditCode(wrong)).toThrow(DomainError);
    }
  });

  it('telephone numbers', () => {
    for (let i = 0; i < 3000; i++) {
      const area = ['010', `02${pick(DIGITS, 1)}`, `0${pick('3456789', 1)}${pick(DIGITS, 2)}`][rand(3)];
      const phone = i % 4 === 0 ? `1${pick('3456789', 1)}${pick(DIGITS, 9)}` : `${area}-${pick('23456789', 1)}${pick(DIGITS, 6 + rand(2))}`;
      expect(normalizePhone(phone)).toBe(phone);
      expect(normalizePhone(` ${phone}`)).toBe(phone);
    }
  });

  it('any near-canonical text: the same answer or the same refusal with and without the shortcut', () => {
    const outcome = (fn: (v: string) => string, v: string) => {
      try {
        return fn(v);
      } catch (e) {
        return `refused ${(e as DomainError).code}`;
      }
    };
    const alphabets: [(v: string) => string, string, number][] = [
      [normalizePhone, '0123456789-', 14],
      [normalizeCreditCode, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 18],
      [normalizeEmail, 'aZ9.@-_', 10],
      [normalizePostalCode, '0123456789', 7],
    ];
    for (const [fn, chars, max] of alphabets) {
      for (let i = 0; i < 5000; i++) {
        // Half of the phones shaped like the canonical ones (area code, dash, a number of any first digit and length).
        const v = fn === normalizePhone && i % 2 ? `${['010', '021', '0755', '01', '0010'][rand(5)]}-${pick(DIGITS, 5 + rand(5))}` : pick(chars, 1 + rand(max));
        expect([v, outcome(fn, v)]).toEqual([v, outcome(fn, ` ${v}`)]);
      }
    }
  });

  it('email addresses and postal codes', () => {
    for (let i = 0; i < 2000; i++) {
      const email = `${pick('abcXYZ019._%+-', 1 + rand(12))}@${pick('abcdefz019', 1 + rand(8))}.${pick('abcdefz', 2 + rand(3))}`;
      expect(normalizeEmail(email)).toBe(normalizeEmail(` ${email}`));
      expect(normalizeEmail(email.replace(/@(.*)$/, (_, d: string) => `@${d.toUpperCase()}`))).toBe(normalizeEmail(` ${email}`));
      const postal = pick('012345678', 1) + pick(DIGITS, 5);
      expect(normalizePostalCode(postal)).toBe(postal);
      expect(normalizePostalCode(` ${postal}`)).toBe(postal);
    }
  });
});
