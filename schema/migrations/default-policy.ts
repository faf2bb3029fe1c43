/** Data migration shared by both databases: the default tiers, management levels and cadence. */
import type { QueryRunner } from 'typeorm';
import { DEFAULT_MANAGEMENT_LEVELS, DEFAULT_TIERS } from '../../src/db/default-policy';

export async function insertDefaultPolicy(q: QueryRunner): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  for (const t of DEFAULT_TIERS) {
    await q.query(
      `INSERT INTO ${e('tiers')} (${['code', 'name', 'rank', 'aliases', 'min_annual_sales_fen', 'sum_over_group', 'in_monthly_report', 'description', 'active', 'version', 'created_at', 'updated_at'].map(e).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [t.code, t.name, t.rank, JSON.stringify(t.aliases), t.minAnnualSalesFen, 0, t.inMonthlyReport ? 1 : 0, t.description, 1, 1, now, now],
    );
    const [{ id }] = (await q.query(`SELECT ${e('id')} AS id FROM ${e('tiers')} WHERE ${e('code')} = ?`, [t.code])) as { id: number }[];
    for (const [type, months] of Object.entries(t.cadence)) {
      await q.query(
        `INSERT INTO ${e('cadence_rules')} (${['tier_id', 'activity_type', 'interval_months', 'due_soon_days', 'version', 'created_at', 'updated_at'].map(e).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, type, months, 14, 1, now, now],
      );
    }
  }
  for (const m of DEFAULT_MANAGEMENT_LEVELS) {
    await q.query(
      `INSERT INTO ${e('management_levels')} (${['code', 'name', 'rank', 'aliases', 'min_expected_contract_fen', 'sum_over_group', 'version', 'created_at', 'updated_at'].map(e).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [m.code, m.name, m.rank, JSON.stringify(m.aliases), m.minExpectedContractFen, 1, 1, now, now],
    );
  }
}

export async function deleteDefaultPolicy(q: QueryRunner): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  await q.query(`DELETE FROM ${e('cadence_rules')}`);
  await q.query(`DELETE FROM ${e('management_levels')}`);
  await q.query(`DELETE FROM ${e('tiers')}`);
}
