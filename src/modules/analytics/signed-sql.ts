/**
 * THE definition of 签约额 as SQL rows (account_id, d, fen) — signings dated in [from, to]: projects by
 * signing date, plus ledger (附件4) signings not linked to a project with its own recorded contract
 * (see AnalyticsService). `from` / `to` are the placeholders or expressions to compare with. Shared by
 * the analytics aggregates and the tier figures (recorded annual sales), so the two never disagree.
 */
export function signedRowsSql(from: string, to: string): string {
  return (
    'SELECT p.account_id AS account_id, p.signed_on AS d, p.contract_amount_fen AS fen FROM projects p ' +
    `WHERE p.contract_amount_fen IS NOT NULL AND p.signed_on >= ${from} AND p.signed_on <= ${to} ` +
    'UNION ALL SELECT act.account_id, act.occurred_on, act.contract_amount_fen FROM activities act ' +
    `WHERE act.contract_amount_fen IS NOT NULL AND act.occurred_on >= ${from} AND act.occurred_on <= ${to} AND (act.project_id IS NULL OR NOT EXISTS (` +
    'SELECT 1 FROM projects pc WHERE pc.id = act.project_id AND pc.contract_amount_fen IS NOT NULL AND pc.signed_on IS NOT NULL))'
  );
}
