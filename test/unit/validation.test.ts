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
