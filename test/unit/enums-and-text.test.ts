import { AccountStatuses, ActivityTypes, ContactRoles, ImportAnnexes, OwnershipTypes, ProjectStatuses, YearEndDecisions } from '../../src/common/enums';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { nameKey, normalizeText } from '../../src/common/text';
import { yuanToFen, fenToYuan } from '../../src/common/money';
import { addMonths, isValidLocalDate } from '../../src/common/dates';

describe('enum label ↔ code', () => {
  it('reads Chinese labels, aliases and codes, ignoring width, case and spaces', () => {
    expect(ProjectStatuses.parse('在建')).toBe('IN_PROGRESS');
    expect(ProjectStatuses.parse('未中标')).toBe('LOST');
    expect(ProjectStatuses.parse('in_progress')).toBe('IN_PROGRESS');
    expect(YearEndDecisions.parse('加强攻关')).toBe('STRENGTHEN');
    expect(YearEndDecisions.parse(' 终止 ')).toBe('TERMINATE');
    expect(OwnershipTypes.parse('国企')).toBe('STATE_OWNED');
    expect(ActivityTypes.parse('高层拜访')).toBe('EXECUTIVE_VISIT');
    expect(ContactRoles.parse('决策人')).toBe('DECISION_MAKER');
    expect(AccountStatuses.parse('ＡＣＴＩＶＥ')).toBe('ACTIVE');
    expect(ImportAnnexes.parse('附件3')).toBe('persons');
    expect(ImportAnnexes.parse('4')).toBe('ledger');
  });

  it('gives the label for a code', () => {
    expect(ProjectStatuses.label(ProjectStatuses.parse('BIDDING'))).toBe('投标中');
  });

  it('rejects unknown labels with INVALID_ENUM listing the accepted ones', () => {
    try {
      ProjectStatuses.parse('停工', 'status');
      throw new Error('expected a DomainError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(ErrorCode.INVALID_ENUM);
      expect((e as DomainError).message).toContain('已完成');
      expect((e as DomainError).details.field).toBe('status');
    }
  });
});

describe('text, money, dates', () => {
  it('normalises text (NFKC, whitespace) and matching keys', () => {
    expect(normalizeText('  北京\u3000建工（集团）  有限公司 ')).toBe('北京 建工(集团) 有限公司');
    expect(nameKey('北京 建工（集团）有限公司')).toBe(nameKey('北京建工(集团)有限公司'));
    expect(nameKey('ABC 公司')).toBe(nameKey('abc公司'));
  });

  it('gives a plain name the key the full folding gives (the shortcut for names with nothing to fold)', () => {
    // A leading ideographic space takes the full path (NFKC, removals, brackets); it is removed there.
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
    const chars = 'aZ09-_&(){}<>.,\'"`·、，（）【】《》建工集团有限公司 ';
    for (let i = 0; i < 5000; i++) {
      const name = Array.from({ length: 1 + rand(12) }, () => chars[rand(chars.length)]).join('');
      expect([name, nameKey(name)]).toEqual([name, nameKey(`\u3000${name}`)]);
    }
    expect(nameKey('测试客户1建设集团有限公司')).toBe('测试客户1建设集团有限公司');
    expect(nameKey('ABC建工')).toBe('abc建工');
  });

  it('converts 元 to 分 exactly and refuses a third decimal', () => {
    expect(yuanToFen(1234.5)).toBe(123450);
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(yuanToFen(35_000_000)).toBe(3_500_000_000);
    expect(fenToYuan(123451)).toBe(1234.51);
    expect(() => yuanToFen(1.005)).toThrow(/超过两位小数/);
    expect(() => yuanToFen(Number.NaN)).toThrow(/不是数字/);
  });

  it('validates calendar dates and adds months with clamping', () => {
    expect(isValidLocalDate('2024-02-29')).toBe(true);
    expect(isValidLocalDate('2023-02-29')).toBe(false);
    expect(isValidLocalDate('2024-3-5')).toBe(false);
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-03-15', -3)).toBe('2023-12-15');
  });
});
