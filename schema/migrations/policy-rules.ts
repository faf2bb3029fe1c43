/** Data migration shared by both databases: default year-end decision rules and the policy lock rows. */
import type { QueryRunner } from 'typeorm';
import { DEFAULT_YEAR_END_RULES } from '../../src/db/default-policy';
import { POLICY_LOCKS } from '../../src/db/policy-lock';

export async function insertPolicyRuleDefaults(q: QueryRunner): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const columns = [
    'position', 'name', 'decision', 'ratings', 'score_at_least', 'score_below', 'signed_at_least_fen', 'signed_below_fen',
    'received_at_least_fen', 'received_below_fen', 'compliance_at_least', 'compliance_below', 'description', 'active', 'version', 'created_at', 'updated_at',
  ];
  for (const r of DEFAULT_YEAR_END_RULES) {
    await q.query(`INSERT INTO ${e('year_end_rules')} (${columns.map(e).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, [
      r.position, r.name, r.decision, r.ratings?.length ? r.ratings.join(',') : null, r.scoreAtLeast ?? null, r.scoreBelow ?? null,
      r.signedAtLeastFen ?? null, r.signedBelowFen ?? null, r.receivedAtLeastFen ?? null, r.receivedBelowFen ?? null,
      r.complianceAtLeast ?? null, r.complianceBelow ?? null, r.description, 1, 1, now, now,
    ]);
  }
  // Accounts that were already owned before ownership history was kept get their INITIAL assignment.
  await q.query(
    `INSERT INTO ${e('assignments')} (${['account_id', 'unit_id', 'manager_id', 'is_primary', 'from_date', 'reason', 'note', 'created_at', 'updated_at'].map(e).join(', ')})
     SELECT a.${e('id')}, a.${e('owner_unit_id')}, a.${e('manager_id')}, 1, COALESCE(a.${e('registered_on')}, DATE(a.${e('created_at')})), 'INITIAL', ?, ?, ?
     FROM ${e('accounts')} a
     WHERE a.${e('status')} IN ('ACTIVE', 'SUSPENDED') AND a.${e('owner_unit_id')} IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ${e('assignments')} s WHERE s.${e('account_id')} = a.${e('id')})`,
    ['归属记录启用时补记 / recorded when ownership history started', now, now],
  );
  for (const name of POLICY_LOCKS) {
    await q.query(`INSERT INTO ${e('policy_locks')} (${e('name')}, ${e('counter')}, ${e('created_at')}, ${e('updated_at')}) VALUES (?, 0, ?, ?)`, [name, now, now]);
  }
}

export async function deletePolicyRuleDefaults(q: QueryRunner): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  await q.query(`DELETE FROM ${e('policy_locks')}`);
  await q.query(`DELETE FROM ${e('year_end_rules')}`);
}
