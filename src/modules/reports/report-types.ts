/**
 * The monthly report's shapes, shared by the service that computes it, the workbook that writes it,
 * the snapshot that freezes it and the resolver that returns it (one way: none of them imports another
 * for its types).
 */
import type { ActivityType, CreditRating } from '../../common/enums';
import type { LocalDate } from '../../common/dates';
import type { ReportPeriod } from './report-month';
import type { ReportDifference } from './report-snapshot';
import type { ReportCloseStatus } from './report-close.entity';

/** The money columns of the report, in 分. */
export interface ReportMoney {
  signedMonthFen: number;
  signedYtdFen: number;
  signedPrevYtdFen: number;
  receivedMonthFen: number;
  receivedYtdFen: number;
  receivableFen: number;
  overdueFen: number;
}

export interface ReportTierRow extends ReportMoney {
  tierId: number | null;
  tierCode: string;
  tierName: string;
  accounts: number;
  /** 同比 of 本年累计签约, a ratio (0.25 = +25%); null when 上年同期 is 0. */
  signedYoy: number | null;
}

export interface ReportAccountRow extends ReportMoney {
  /** 序号, from 1. */
  seq: number;
  accountId: number;
  code: string;
  name: string;
  tierId: number;
  tierName: string;
  unitName: string | null;
  managerName: string | null;
  signedYoy: number | null;
  /** 本月拜访次数 */
  visits: number;
  /** 最近高层拜访 (up to the as-of date) */
  lastExecutiveVisitOn: LocalDate | null;
  /** 拜访合规: no cadence obligation overdue at the as-of date. */
  cadenceCompliant: boolean;
  /** The activity types overdue (labels), when not compliant. */
  cadenceOverdue: string[];
  /** Latest credit rating (year ≤ the report's year). */
  creditRating: CreditRating | null;
  creditYear: number | null;
  /** 本月重要事项, one line per event (`10-05 签约：主题`). */
  events: string[];
  /** 风险提示 */
  risks: string[];
}

export interface ReportComplianceRow {
  accountId: number;
  code: string;
  name: string;
  tierName: string;
  managerName: string | null;
  /** The rule's activity type when it counts one (see ruleName). */
  activityType: ActivityType | null;
  /** The rule's interval in months, for rules counted in months. */
  intervalMonths: number | null;
  /** The cadence rule: 客户经理拜访, 电话或邮件跟进… */
  ruleName: string;
  /** `每月`, `每2周`. */
  intervalText: string;
  /** The last one, null when never since the account became active. */
  lastOn: LocalDate | null;
  /** Overdue since this date (last + interval, or first due date when never). */
  dueOn: LocalDate | null;
  /** Days past due at the as-of date. */
  daysOverdue: number | null;
}

export interface MonthlyReport {
  period: ReportPeriod;
  generatedAt: Date;
  /** Who asked (an audit identity). */
  generatedBy: string;
  tiers: ReportTierRow[];
  total: ReportTierRow;
  rows: ReportAccountRow[];
  compliance: ReportComplianceRow[];
  /** Lines the policy modules add to the 说明 sheet (label, text). */
  notes: [string, string][];
  /**
   * The month-end close when the month was ever closed: a CLOSED month's figures are its snapshot's,
   * whatever was imported since; `differences` then lists what the live data says differently.
   */
  close?: ReportCloseInfo | null;
}

export interface ReportCloseInfo {
  status: ReportCloseStatus;
  closedAt: Date;
  closedBy: string;
  reopenedAt: Date | null;
  reopenedBy: string | null;
  reopenReason: string | null;
  /** Live figures that differ from the frozen ones (CLOSED only; empty when none). */
  differences: ReportDifference[];
}

/** 同比 as a ratio; null when there is nothing to compare with. */
export function yoy(current: number, previous: number): number | null {
  return previous === 0 ? null : (current - previous) / previous;
}

/** 分 → 万元 text with two decimals, exact (integer arithmetic, half away from zero). */
export function fenToWanText(fen: number): string {
  const neg = fen < 0;
  const hundredths = Math.floor((Math.abs(fen) + 5000) / 10000); // 1 万元 = 1,000,000 分; 0.01 万元 = 10,000 分
  const s = `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
  return neg && hundredths ? `-${s}` : s;
}

