/**
 * 风险提示 lines that the policy modules add to the monthly report: one line per account and kind,
 * `跟进事项逾期：2 项（最早 10-05 到期：报价单）`, the earliest item named.
 */

/** An overdue item of an account: when it was due and what it is about. */
export interface OverdueItem {
  accountId: number;
  dueOn: string;
  subject: string;
}

/** One line per account for its overdue items of one kind (`label`), the earliest due named. */
export function overdueLines(items: readonly OverdueItem[], label: string, due = '到期'): Map<number, string[]> {
  const byAccount = new Map<number, OverdueItem[]>();
  for (const item of items) byAccount.set(item.accountId, [...(byAccount.get(item.accountId) ?? []), item]);
  const out = new Map<number, string[]>();
  for (const [accountId, list] of byAccount) {
    const first = [...list].sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0];
    out.set(accountId, [`${label}：${list.length} 项（最早 ${first.dueOn.slice(5)} ${due}：${first.subject.slice(0, 40)}）`]);
  }
  return out;
}

/** The lines of several sources, per account, in the order the sources are given. */
export function mergeRiskLines(maps: readonly Map<number, string[]>[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const map of maps) for (const [accountId, lines] of map) out.set(accountId, [...(out.get(accountId) ?? []), ...lines]);
  return out;
}

/** `ids` in slices a database's IN list takes. */
export function* idChunks(ids: readonly number[], size = 1000): Generator<number[]> {
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += size) yield unique.slice(i, i + size);
}
