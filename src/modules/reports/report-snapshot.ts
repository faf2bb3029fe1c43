/**
 * The frozen month (月结快照): a {@link MonthlyReport} kept exactly as it was when the month was closed,
 * and what has changed in the live data since. Pure functions: no database.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MonthlyReport, ReportMoney } from './report-types';
import { fenToWanText } from './report-types';

/** Characters per stored part: base64 is ASCII, so a part fits MySQL's 64 KiB TEXT. */
export const SNAPSHOT_PART_CHARS = 60_000;

export interface EncodedSnapshot {
  parts: string[];
  sha256: string;
}

/** The report as gzip + base64 parts, with the SHA-256 of its JSON. */
export function encodeSnapshot(r: MonthlyReport): EncodedSnapshot {
  const json = JSON.stringify(r);
  const b64 = gzipSync(Buffer.from(json, 'utf8')).toString('base64');
  const parts: string[] = [];
  for (let i = 0; i < b64.length; i += SNAPSHOT_PART_CHARS) parts.push(b64.slice(i, i + SNAPSHOT_PART_CHARS));
  return { parts, sha256: createHash('sha256').update(json).digest('hex') };
}

/** The report back from its parts; throws when the parts do not make the snapshot that was stored. */
export function decodeSnapshot(parts: string[], sha256: string): MonthlyReport {
  const json = gunzipSync(Buffer.from(parts.join(''), 'base64')).toString('utf8');
  if (createHash('sha256').update(json).digest('hex') !== sha256) throw new Error('the month-end snapshot does not match its checksum');
  const r = JSON.parse(json) as MonthlyReport;
  r.generatedAt = new Date(r.generatedAt);
  return r;
}

/** One figure that differs between the closed month and the live data. */
export interface ReportDifference {
  /** 客户编号, or `合计` for the report's total. */
  code: string;
  name: string;
  /** The figure: `signedMonthFen`…, `visits`, `cadenceCompliant`, `inReport`. */
  field: string;
  /** Its Chinese label (本月签约…). */
  label: string;
  /** At the close and now: 分 for money, counts, or text. */
  closed: number | string | null;
  live: number | string | null;
  /** Both as users read them (万元 for money). */
  closedText: string;
  liveText: string;
}

const MONEY_LABELS: [keyof ReportMoney, string][] = [
  ['signedMonthFen', '本月签约'],
  ['signedYtdFen', '本年累计签约'],
  ['signedPrevYtdFen', '上年同期累计'],
  ['receivedMonthFen', '本月回款'],
  ['receivedYtdFen', '本年累计回款'],
  ['receivableFen', '应收余额'],
  ['overdueFen', '逾期金额'],
];

const wan = (fen: number) => `${fenToWanText(fen)} 万元`;

/**
 * What the live report says differently from the closed one: accounts that joined or left the report,
 * every money figure and visit count per account, visit compliance, and the totals. Empty when the
 * live data gives the same figures.
 */
export function reportDifferences(closed: MonthlyReport, live: MonthlyReport): ReportDifference[] {
  const out: ReportDifference[] = [];
  const liveById = new Map(live.rows.map((r) => [r.accountId, r]));
  const closedIds = new Set(closed.rows.map((r) => r.accountId));
  for (const c of closed.rows) {
    const l = liveById.get(c.accountId);
    if (!l) {
      out.push({ code: c.code, name: c.name, field: 'inReport', label: '列入报表', closed: '是', live: '否', closedText: '在报表中', liveText: '已不在报表范围' });
      continue;
    }
    for (const [k, label] of MONEY_LABELS) {
      if (c[k] !== l[k]) out.push({ code: c.code, name: c.name, field: k, label, closed: c[k], live: l[k], closedText: wan(c[k]), liveText: wan(l[k]) });
    }
    if (c.visits !== l.visits) out.push({ code: c.code, name: c.name, field: 'visits', label: '本月拜访次数', closed: c.visits, live: l.visits, closedText: String(c.visits), liveText: String(l.visits) });
    if (c.cadenceCompliant !== l.cadenceCompliant) {
      const t = (ok: boolean) => (ok ? '合规' : '逾期');
      out.push({ code: c.code, name: c.name, field: 'cadenceCompliant', label: '拜访合规', closed: t(c.cadenceCompliant), live: t(l.cadenceCompliant), closedText: t(c.cadenceCompliant), liveText: t(l.cadenceCompliant) });
    }
  }
  for (const l of live.rows) {
    if (!closedIds.has(l.accountId)) out.push({ code: l.code, name: l.name, field: 'inReport', label: '列入报表', closed: '否', live: '是', closedText: '结账时不在报表中', liveText: '现列入报表' });
  }
  for (const [k, label] of MONEY_LABELS) {
    if (closed.total[k] !== live.total[k]) out.push({ code: '合计', name: '合计', field: k, label, closed: closed.total[k], live: live.total[k], closedText: wan(closed.total[k]), liveText: wan(live.total[k]) });
  }
  return out;
}
