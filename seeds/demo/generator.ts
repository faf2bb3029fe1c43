/**
 * Deterministic generator of a believable company for demos and tests: 4 regional branches under a
 * head office, their account managers, ≥ 200 key accounts across every tier (some in group
 * hierarchies), their people, three years of credit evaluations, 24 months of projects with
 * receivables and payments, and activities that mostly follow the visit cadence and sometimes miss it.
 * The same seed and as-of date always give the same data.
 */
import { addDays, addMonths, type LocalDate } from '../../src/common/dates';
import { creditCodeCheckChar, orgCodeCheckChar } from '../../src/common/validation';
import { DEFAULT_TIERS } from '../../src/db/default-policy';
import { ActivityType, Role } from '../../src/common/enums';
import { Random } from './random';
import { BRAND_WORDS, CITIES, DEPARTMENTS, GIVEN, HOBBIES, INDUSTRIES, PROJECT_WORDS, SURNAMES, TITLES } from './vocabulary';

export interface DemoUnit { code: string; name: string; kind: 'COMPANY' | 'BRANCH'; parentCode: string | null; region: string | null }
export interface DemoUser { login: string | null; name: string; role: Role; unitCode: string; phone: string; email: string | null }
export interface DemoAccount {
  code: string; name: string; parentCode: string | null; registeredOn: LocalDate; creditCode: string; ownership: string; industry: string;
  scale: string; mainProducts: string; reputation: string; totalAssets: number; shareholders: string; address: string; postalCode: string;
  phone: string; fax: string; email: string; tierCode: string; managementLevel: string | null; ownerUnitCode: string; managerName: string;
  expectedContractValue: number; annualSales: number;
}
export interface DemoContact {
  accountCode: string; name: string; gender: 'MALE' | 'FEMALE'; title: string; department: string; role: string; officePhone: string; mobile: string;
  email: string | null; birthday: LocalDate | null; familyInfo: string | null; homeAddress: string | null; hobbies: string | null; closeness: string;
  consentAt: string | null; consentSource: string | null; active: boolean; leftOn: LocalDate | null;
}
export interface DemoCredit {
  accountCode: string; year: number; performance: string; paymentRecord: string; contractMode: string; biddingMethod: string; contractHabits: string;
  priceLevel: string; paymentCapacity: string; managementCapacity: string; score: number; rating: string; decision: string; evaluator: string;
}
export interface DemoProject {
  accountCode: string; code: string; name: string; status: string; contractAmount: number | null; signedOn: LocalDate | null; startOn: LocalDate | null;
  endOn: LocalDate | null; location: string; unitCode: string; managerName: string;
  receivables: { dueOn: LocalDate; amount: number; description: string }[];
  payments: { receivedOn: LocalDate; amount: number; method: string }[];
}
export interface DemoActivity {
  accountCode: string; managerName: string; unitCode: string; occurredOn: LocalDate; type: ActivityType; participants: string; counterparts: string;
  subject: string; summary: string; outcome: string | null; nextAction: string | null; intelTags: string[];
}
export interface DemoDataset {
  asOf: LocalDate;
  units: DemoUnit[];
  users: DemoUser[];
  accounts: DemoAccount[];
  contacts: DemoContact[];
  credit: DemoCredit[];
  projects: DemoProject[];
  activities: DemoActivity[];
}

export interface DemoOptions {
  seed?: number;
  /** The day the data is "as of": projects and activities cover the 24 months before it. */
  asOf?: LocalDate;
  accounts?: number;
}

const WAN = 10_000;

const BRANCHES = [
  { code: 'HB', name: '华北分公司', region: '华北' },
  { code: 'HD', name: '华东分公司', region: '华东' },
  { code: 'HN', name: '华南分公司', region: '华南' },
  { code: 'XN', name: '西南分公司', region: '西南' },
];

/** Account managers per branch. */
const managersIn = (branchCode: string) => (branchCode === 'HD' ? 3 : 2) + (branchCode === 'HB' ? 1 : 0);
const managerLogin = (n: number) => `mgr${String(n).padStart(2, '0')}`;

/** The demo company's logins, the same for every seed: the head office's four roles, then mgr01…mgr10. */
export const DEMO_LOGINS: readonly string[] = [
  'admin', 'committee', 'finance', 'analyst',
  ...Array.from({ length: BRANCHES.reduce((n, b) => n + managersIn(b.code), 0) }, (_, i) => managerLogin(i + 1)),
];

/** Tier mix of the demo company: few strategic, many general. */
const TIER_SHARE: [string, number][] = [['STRATEGIC', 0.1], ['KEY', 0.22], ['MAJOR', 0.33], ['GENERAL', 0.35]];
const CONTRACT_RANGE: Record<string, [number, number]> = {
  STRATEGIC: [3000 * WAN, 20000 * WAN],
  KEY: [800 * WAN, 5000 * WAN],
  MAJOR: [150 * WAN, 1500 * WAN],
  GENERAL: [20 * WAN, 400 * WAN],
};

export function generateDemoData(options: DemoOptions = {}): DemoDataset {
  const r = new Random(options.seed ?? 20261123);
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  const accountCount = Math.max(200, options.accounts ?? 220);
  const start = addMonths(asOf, -24);
  const usedNames = new Set<string>();
  const usedMobiles = new Set<string>();

  const personName = () => {
    for (;;) {
      const n = r.pick(SURNAMES) + r.pick(GIVEN);
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
  };
  const mobile = () => {
    for (;;) {
      const m = r.pick(['138', '139', '135', '136', '137', '150', '151', '158', '186', '188', '177', '199']) + String(r.int(0, 99_999_999)).padStart(8, '0');
      if (!usedMobiles.has(m)) {
        usedMobiles.add(m);
        return m;
      }
    }
  };
  const dateBetween = (from: LocalDate, to: LocalDate): LocalDate => {
    const a = Date.parse(from);
    const b = Date.parse(to);
    return new Date(a + Math.floor(r.next() * Math.max(1, b - a))).toISOString().slice(0, 10);
  };

  const units: DemoUnit[] = [{ code: 'HQ', name: '总公司', kind: 'COMPANY', parentCode: null, region: null }];
  for (const b of BRANCHES) units.push({ code: b.code, name: b.name, kind: 'BRANCH', parentCode: 'HQ', region: b.region });

  const users: DemoUser[] = [
    { login: 'admin', name: personName(), role: Role.ADMIN, unitCode: 'HQ', phone: mobile(), email: 'admin@kam.example.com' },
    { login: 'committee', name: personName(), role: Role.COMMITTEE, unitCode: 'HQ', phone: mobile(), email: 'committee@kam.example.com' },
    { login: 'finance', name: personName(), role: Role.FINANCE, unitCode: 'HQ', phone: mobile(), email: 'finance@kam.example.com' },
    { login: 'analyst', name: personName(), role: Role.ANALYST, unitCode: 'HQ', phone: mobile(), email: null },
  ];
  const managersByUnit = new Map<string, string[]>();
  let mgrNo = 0;
  for (const b of BRANCHES) {
    const names: string[] = [];
    for (let i = 0; i < managersIn(b.code); i++) {
      const name = personName();
      mgrNo++;
      names.push(name);
      users.push({ login: managerLogin(mgrNo), name, role: Role.MANAGER, unitCode: b.code, phone: mobile(), email: `${managerLogin(mgrNo)}@kam.example.com` });
    }
    managersByUnit.set(b.code, names);
  }

  // Accounts: first the group heads, then their subsidiaries, then independents.
  const accounts: DemoAccount[] = [];
  const companyNames = new Set<string>();
  const tierFor = (i: number): string => {
    const x = (i + 0.5) / accountCount;
    let acc = 0;
    for (const [code, share] of TIER_SHARE) {
      acc += share;
      if (x < acc) return code;
    }
    return 'GENERAL';
  };
  const tierOrder = Array.from({ length: accountCount }, (_, i) => tierFor(i));
  // Shuffle deterministically so tiers spread over regions and groups.
  for (let i = tierOrder.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [tierOrder[i], tierOrder[j]] = [tierOrder[j], tierOrder[i]];
  }
  let groupHead: { code: string; brand: string; left: number } | null = null;
  for (let i = 0; i < accountCount; i++) {
    const place = r.pick(CITIES);
    const industry = r.pick(INDUSTRIES);
    let brand = r.pick(BRAND_WORDS);
    let parentCode: string | null = null;
    let name: string;
    if (groupHead && groupHead.left > 0) {
      brand = groupHead.brand;
      parentCode = groupHead.code;
      groupHead.left--;
    } else {
      groupHead = null;
    }
    for (;;) {
      name = parentCode ? `${brand}${place.city}${r.pick(['第一', '第二', '第三', '第五', '华东', '华南', '西部', '北方'])}${r.pick(industry.suffixes)}` : `${place.city}${brand}${r.pick(industry.suffixes)}`;
      if (!companyNames.has(name)) break;
      brand = r.pick(BRAND_WORDS);
    }
    companyNames.add(name);
    const code = `KA${String(i + 1).padStart(4, '0')}`;
    if (!parentCode && r.chance(0.08)) groupHead = { code, brand, left: r.int(2, 4) };
    const tierCode = tierOrder[i];
    const [lo, hi] = CONTRACT_RANGE[tierCode];
    const branch = BRANCHES.find((b) => b.region === place.region) ?? BRANCHES[0];
    const managers = managersByUnit.get(branch.code) as string[];
    const annualSales = r.amount(lo * 0.8, hi * 0.9, 10_000);
    const expected = r.amount(lo * 1.5, hi * 3, 100_000);
    const orgBody = String(r.int(10_000_000, 99_999_999));
    const orgCode = orgBody + orgCodeCheckChar(orgBody);
    const first17 = `91${place.division}${orgCode}`;
    accounts.push({
      code,
      name,
      parentCode,
      registeredOn: dateBetween(addMonths(asOf, -72), addMonths(asOf, -25)),
      creditCode: first17 + creditCodeCheckChar(first17),
      ownership: r.pick(['国有企业', '民营企业', '上市公司', '合资企业', '国有企业', '民营企业', '外资企业', '政府机关及事业单位']),
      industry: industry.name,
      scale: r.pick(['大型', '大型', '中型', '中型', '小型']),
      mainProducts: r.pick(industry.products),
      reputation: r.pick(['优', '优', '良', '良', '良', '中']),
      totalAssets: r.amount(5000 * WAN, 500000 * WAN, 1_000_000),
      shareholders: r.pick(['国有独资', '国资控股，员工持股', '自然人控股', '上市公司控股子公司', '外方控股']),
      address: `${place.city}市${r.pick(['高新区', '经济开发区', '中心区', '新区'])}${r.pick(['建设路', '人民路', '中山路', '科技大道', '金融街'])}${r.int(1, 999)}号`,
      postalCode: place.division.slice(0, 4) + String(r.int(0, 99)).padStart(2, '0'),
      phone: `0${r.pick(['10', '21', '20', '28', '755', '571', '25', '23'])}-${r.int(6000_0000, 8999_9999)}`,
      fax: `0${r.pick(['10', '21', '20', '28', '755', '571', '25', '23'])}-${r.int(6000_0000, 8999_9999)}`,
      email: `contact${i + 1}@customer${i + 1}.example.cn`,
      tierCode,
      managementLevel: expected >= 20000 * WAN ? '公司级' : expected >= 10000 * WAN ? '分公司级' : null,
      ownerUnitCode: branch.code,
      managerName: r.pick(managers),
      expectedContractValue: expected,
      annualSales,
    });
  }

  const contacts: DemoContact[] = [];
  for (const a of accounts) {
    const n = r.int(2, 6);
    for (let k = 0; k < n; k++) {
      const consent = r.chance(0.6);
      const left = k > 0 && r.chance(0.08);
      const gender = r.chance(0.7) ? 'MALE' : 'FEMALE';
      const name = personName();
      contacts.push({
        accountCode: a.code,
        name,
        gender,
        title: k === 0 ? r.pick(['董事长', '总经理']) : r.pick(TITLES),
        department: k === 0 ? '总经理办公室' : r.pick(DEPARTMENTS),
        role: k === 0 ? '决策者' : r.pick(['影响者', '技术把关', '采购', '财务', '使用者']),
        officePhone: a.phone,
        mobile: mobile(),
        email: r.chance(0.7) ? `p${contacts.length + 1}@customer.example.cn` : null,
        birthday: r.chance(0.5) ? dateBetween('1962-01-01', '1992-12-31') : null,
        familyInfo: consent && r.chance(0.6) ? r.pick(['已婚，育有一子', '已婚，育有一女', '已婚，子女在读大学', '未婚']) : null,
        homeAddress: consent && r.chance(0.5) ? `${a.address.slice(0, 3)}${r.pick(['锦江', '滨江', '朝阳', '天河', '西湖'])}花园${r.int(1, 30)}栋${r.int(101, 2802)}室` : null,
        hobbies: consent && r.chance(0.7) ? `${r.pick(HOBBIES)}、${r.pick(HOBBIES)}` : null,
        closeness: r.pick(['密切', '良好', '良好', '一般', '一般', '疏远']),
        consentAt: consent ? `${dateBetween(start, asOf)}T02:00:00.000Z` : null,
        consentSource: consent ? r.pick(['书面同意书', '微信确认', '面谈口头同意并记录']) : null,
        active: !left,
        leftOn: left ? dateBetween(start, asOf) : null,
      });
    }
  }

  const credit: DemoCredit[] = [];
  const thisYear = Number(asOf.slice(0, 4));
  for (const a of accounts) {
    for (const year of [thisYear - 3, thisYear - 2, thisYear - 1]) {
      const score = Math.round((58 + r.next() * 40) * 10) / 10;
      credit.push({
        accountCode: a.code,
        year,
        performance: score >= 80 ? '合同履约良好' : score >= 65 ? '履约基本正常，偶有延误' : '多次延误，需关注',
        paymentRecord: score >= 80 ? '按期付款' : score >= 65 ? '偶有延期付款' : '长期拖欠',
        contractMode: r.pick(['总价合同', '单价合同', '框架协议+订单', '战略合作协议']),
        biddingMethod: r.pick(['公开招标', '邀请招标', '竞争性谈判', '直接委托']),
        contractHabits: r.pick(['预付30%，进度款按月结算', '货到验收后付款', '质保金5%，一年后退还', '承兑汇票结算为主']),
        priceLevel: r.pick(['偏高', '适中', '偏低']),
        paymentCapacity: score >= 75 ? '强' : score >= 62 ? '一般' : '弱',
        managementCapacity: r.pick(['强', '较强', '一般']),
        score,
        rating: score >= 90 ? 'AAA' : score >= 80 ? 'AA' : score >= 70 ? 'A' : score >= 60 ? 'B' : 'C',
        decision: score >= 85 ? '加强攻关' : score >= 62 ? '维持现状' : '终止合作',
        evaluator: a.managerName,
      });
    }
  }

  const projects: DemoProject[] = [];
  let projectNo = 0;
  for (const a of accounts) {
    const [lo, hi] = CONTRACT_RANGE[a.tierCode];
    const count = a.tierCode === 'STRATEGIC' ? r.int(3, 5) : a.tierCode === 'KEY' ? r.int(2, 4) : r.int(1, 3);
    const usedProjectNames = new Set<string>();
    for (let k = 0; k < count; k++) {
      projectNo++;
      let pname: string;
      do pname = `${a.name.slice(0, 4)}${r.pick(PROJECT_WORDS)}`;
      while (usedProjectNames.has(pname) && usedProjectNames.size < PROJECT_WORDS.length);
      if (usedProjectNames.has(pname)) pname = `${pname}${k + 1}`;
      usedProjectNames.add(pname);
      const statusRoll = r.next();
      const signed = statusRoll < 0.8;
      const signedOn = signed ? dateBetween(start, addDays(asOf, -5)) : null;
      const amount = signed ? r.amount(lo / count, hi / count, 100) : null;
      const endOn = signedOn ? addMonths(signedOn, r.int(6, 20)) : null;
      const status = !signed ? (statusRoll < 0.9 ? '投标中' : statusRoll < 0.95 ? '拟建' : '未中标') : endOn && endOn < asOf ? '已完成' : '在建';
      const receivables: DemoProject['receivables'] = [];
      const payments: DemoProject['payments'] = [];
      if (signedOn && amount && endOn) {
        const fen = Math.round(amount * 100);
        const parts = [
          { share: 0.3, due: addMonths(signedOn, 1), description: '预付款' },
          { share: 0.4, due: addMonths(signedOn, Math.max(2, Math.round(monthsBetween(signedOn, endOn) / 2))), description: '进度款' },
          { share: 0.25, due: endOn, description: '竣工结算款' },
          { share: 0.05, due: addMonths(endOn, 12), description: '质保金' },
        ];
        let allocated = 0;
        parts.forEach((p, idx) => {
          const partFen = idx === parts.length - 1 ? fen - allocated : Math.round(fen * p.share);
          allocated += partFen;
          receivables.push({ dueOn: p.due, amount: partFen / 100, description: p.description });
          if (p.due > asOf) return;
          const roll = r.next();
          if (roll < 0.78) {
            const paid = addDays(p.due, r.int(-5, 20));
            if (paid <= asOf) payments.push({ receivedOn: paid < signedOn ? signedOn : paid, amount: partFen / 100, method: r.pick(['银行转账', '银行承兑汇票', '银行转账']) });
          } else if (roll < 0.9) {
            const paid = addDays(p.due, r.int(30, 120));
            if (paid <= asOf) {
              const partial = Math.floor(partFen * 0.6);
              payments.push({ receivedOn: paid, amount: partial / 100, method: '银行转账' });
            }
          }
          // else: not paid at all → overdue
        });
      }
      projects.push({
        accountCode: a.code,
        code: `P${String(projectNo).padStart(5, '0')}`,
        name: pname,
        status,
        contractAmount: amount,
        signedOn,
        startOn: signedOn ? addDays(signedOn, r.int(10, 60)) : null,
        endOn,
        location: a.address.slice(0, 3),
        unitCode: a.ownerUnitCode,
        managerName: a.managerName,
        receivables,
        payments,
      });
    }
  }

  const activities: DemoActivity[] = [];
  const contactsByAccount = new Map<string, DemoContact[]>();
  for (const c of contacts) {
    const list = contactsByAccount.get(c.accountCode) ?? [];
    list.push(c);
    contactsByAccount.set(c.accountCode, list);
  }
  const SUBJECTS: Partial<Record<ActivityType, string[]>> = {
    [ActivityType.EXECUTIVE_VISIT]: ['公司领导拜访对方高层', '高层互访，沟通年度合作', '总经理带队拜访'],
    [ActivityType.MANAGER_VISIT]: ['例行拜访', '走访了解项目进展', '拜访采购部门', '拜访工程部门'],
    [ActivityType.TECHNICAL_EXCHANGE]: ['新产品技术交流', '技术方案对接', '技术标准研讨'],
    [ActivityType.QUALITY_EXCHANGE]: ['质量回访', '质量问题沟通', '季度质量交流'],
    [ActivityType.MEETING]: ['年度合作洽谈', '项目协调会'],
    [ActivityType.COMPLAINT]: ['处理交货延期投诉', '处理安装质量投诉'],
    [ActivityType.PHONE_CALL]: ['电话沟通付款安排', '电话了解招标计划'],
  };
  for (const a of accounts) {
    const tier = DEFAULT_TIERS.find((t) => t.code === a.tierCode);
    const reliability = r.chance(0.2) ? 0.6 : 0.92;
    for (const [type, months] of Object.entries(tier?.cadence ?? {}) as [ActivityType, number][]) {
      let d = addDays(start, r.int(0, 20));
      while (d <= asOf) {
        if (r.chance(reliability)) activities.push(activity(a, d, type));
        d = addDays(addMonths(d, months), r.int(-10, 3));
      }
    }
    const extras = r.int(1, 4);
    for (let k = 0; k < extras; k++) {
      const type = r.pick([ActivityType.MEETING, ActivityType.PHONE_CALL, ActivityType.COMPLAINT, ActivityType.MEETING]);
      activities.push(activity(a, dateBetween(start, asOf), type));
    }
  }
  function activity(a: DemoAccount, occurredOn: LocalDate, type: ActivityType): DemoActivity {
    const people = contactsByAccount.get(a.code) ?? [];
    const counterpart = people.length ? r.pick(people) : null;
    const intel: string[] = [];
    if (r.chance(0.06)) intel.push('人事变动');
    if (r.chance(0.08)) intel.push('竞争对手');
    if (r.chance(0.1)) intel.push('产品需求');
    if (type === ActivityType.COMPLAINT) intel.push('投诉');
    const subject = r.pick(SUBJECTS[type] ?? ['沟通']);
    return {
      accountCode: a.code,
      managerName: a.managerName,
      unitCode: a.ownerUnitCode,
      occurredOn,
      type,
      participants: type === ActivityType.EXECUTIVE_VISIT ? `${a.managerName}、公司副总经理` : a.managerName,
      counterparts: counterpart ? `${counterpart.name}（${counterpart.title}）` : '',
      subject,
      summary: `${subject}：${r.pick(['双方就后续项目合作达成初步意向', '了解对方年度采购计划', '反馈近期供货情况', '沟通回款安排', '介绍我方新产品与服务'])}。`,
      outcome: r.chance(0.5) ? r.pick(['对方表示认可', '需进一步跟进', '已形成会议纪要']) : null,
      nextAction: r.chance(0.4) ? r.pick(['下月再次拜访', '提交技术方案', '跟进招标信息', '安排高层互访']) : null,
      intelTags: intel,
    };
  }

  return { asOf, units, users, accounts, contacts, credit, projects, activities };
}

function monthsBetween(a: LocalDate, b: LocalDate): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + (Number(b.slice(5, 7)) - Number(a.slice(5, 7)));
}
