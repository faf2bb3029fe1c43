/**
 * Data migration shared by both databases for the policies made complete (issue 19): team roles and
 * the strategic team's requirements, the cadence schemes (the rules a database had become policy 003's
 * scheme — with its per-role checks for strategic accounts — and policy 002's is added beside it), the
 * identification criteria, the strategic target count, the complaint deadlines, and the channel of
 * activities logged before channels existed.
 */
import type { QueryRunner } from 'typeorm';
import { ActivityTypes, type ActivityType } from '../../src/common/enums';
import {
  DEFAULT_CADENCE_PROFILES, DEFAULT_COMPLAINT_DEADLINES, DEFAULT_CRITERIA, DEFAULT_TEAM_REQUIREMENTS, DEFAULT_TEAM_ROLES, DEFAULT_TIER_TARGETS, STRATEGIC_RULE_ROLES,
} from '../../src/db/default-policy';
import { defaultChannel } from '../../src/modules/activities/activity.rules';

/** A cadence rule as the database had it before schemes, types, channels and roles. */
export interface LegacyCadenceRule {
  tier_id: number;
  activity_type: string;
  interval_months: number;
  due_soon_days: number;
}

/** The rules to keep: read before the table is rebuilt. */
export async function readLegacyCadenceRules(q: QueryRunner): Promise<LegacyCadenceRule[]> {
  const rows = (await q.query('SELECT tier_id, activity_type, interval_months, due_soon_days FROM cadence_rules ORDER BY id')) as Record<string, unknown>[];
  return rows.map((r) => ({ tier_id: Number(r.tier_id), activity_type: String(r.activity_type), interval_months: Number(r.interval_months), due_soon_days: Number(r.due_soon_days) }));
}

export async function insertPoliciesComplete(q: QueryRunner, legacy: readonly LegacyCadenceRule[]): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const insert = async (table: string, row: Record<string, unknown>) => {
    const cols = Object.keys(row);
    await q.query(`INSERT INTO ${e(table)} (${cols.map(e).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => row[c]));
  };
  const idOf = async (table: string, column: string, value: string): Promise<number | null> => {
    const rows = (await q.query(`SELECT ${e('id')} AS id FROM ${e(table)} WHERE ${e(column)} = ?`, [value])) as { id: number }[];
    return rows.length ? Number(rows[0].id) : null;
  };
  const stamp = { version: 1, created_at: now, updated_at: now };

  for (const r of DEFAULT_TEAM_ROLES) {
    await insert('team_roles', { code: r.code, name: r.name, rank: r.rank, aliases: JSON.stringify(r.aliases), description: r.description, from_ownership: r.fromOwnership ? 1 : 0, active: 1, ...stamp });
  }
  const roleId = new Map<string, number>();
  for (const r of DEFAULT_TEAM_ROLES) roleId.set(r.code, (await idOf('team_roles', 'code', r.code))!);

  for (const t of DEFAULT_TEAM_REQUIREMENTS) {
    const tierId = await idOf('tiers', 'code', t.tier);
    if (tierId === null) continue;
    await insert('team_requirements', { tier_id: tierId, role_id: roleId.get(t.role), min_annual_sales_fen: t.minAnnualSalesFen, description: t.description, active: 1, ...stamp });
  }

  const strategic = await idOf('tiers', 'code', 'STRATEGIC');
  for (const p of DEFAULT_CADENCE_PROFILES) {
    await insert('cadence_profiles', { code: p.code, name: p.name, description: p.description, active: p.active ? 1 : 0, ...stamp });
    const profileId = (await idOf('cadence_profiles', 'code', p.code))!;
    if (p.active) {
      // The scheme in force keeps every rule the database had, its intervals as the company set them.
      for (const r of legacy) {
        const role = r.tier_id === strategic ? STRATEGIC_RULE_ROLES[r.activity_type as ActivityType] : undefined;
        await insert('cadence_rules', {
          profile_id: profileId, tier_id: r.tier_id, name: ActivityTypes.lookup(r.activity_type) ? ActivityTypes.label(r.activity_type as ActivityType) : r.activity_type,
          activity_types: r.activity_type, channels: null, team_role_id: role ? roleId.get(role) : null, interval_count: r.interval_months, interval_unit: 'MONTH', due_soon_days: r.due_soon_days, ...stamp,
        });
      }
      continue;
    }
    for (const r of p.rules) {
      const tierId = await idOf('tiers', 'code', r.tier);
      if (tierId === null) continue;
      await insert('cadence_rules', {
        profile_id: profileId, tier_id: tierId, name: r.name, activity_types: r.activityTypes.length ? r.activityTypes.join(',') : null, channels: r.channels.length ? r.channels.join(',') : null,
        team_role_id: r.teamRole ? roleId.get(r.teamRole) : null, interval_count: r.interval, interval_unit: r.unit, due_soon_days: r.dueSoonDays, ...stamp,
      });
    }
  }

  for (const c of DEFAULT_CRITERIA) {
    await insert('identification_criteria', { code: c.code, name: c.name, metric: c.metric, weight: c.weight, bands: JSON.stringify(c.bands), sum_over_group: 0, description: c.description, active: 1, ...stamp });
  }

  for (const [code, t] of Object.entries(DEFAULT_TIER_TARGETS)) {
    await q.query(`UPDATE ${e('tiers')} SET ${e('target_min')} = ?, ${e('target_max')} = ? WHERE ${e('code')} = ?`, [t.targetMin, t.targetMax, code]);
  }

  for (const d of DEFAULT_COMPLAINT_DEADLINES) {
    const tierId = d.tier ? await idOf('tiers', 'code', d.tier) : null;
    if (d.tier && tierId === null) continue;
    await insert('complaint_deadlines', { severity: d.severity, tier_id: tierId, days: d.days, ...stamp });
  }

  // Activities logged before channels: a visit was 面谈, a phone call 电话 (what their type admits).
  for (const type of ActivityTypes.values) {
    const channel = defaultChannel(type);
    if (channel) await q.query(`UPDATE ${e('activities')} SET ${e('channel')} = ? WHERE ${e('type')} = ? AND ${e('channel')} IS NULL`, [channel, type]);
  }
}

/** What `down` restores: the legacy rules of the scheme in force, one activity type each. */
export async function legacyRulesOfActiveScheme(q: QueryRunner): Promise<LegacyCadenceRule[]> {
  const e = (name: string) => q.connection.driver.escape(name);
  const rows = (await q.query(
    `SELECT r.${e('tier_id')} AS tier_id, r.${e('activity_types')} AS activity_types, r.${e('interval_count')} AS interval_count, r.${e('interval_unit')} AS interval_unit, r.${e('due_soon_days')} AS due_soon_days
     FROM ${e('cadence_rules')} r JOIN ${e('cadence_profiles')} p ON p.${e('id')} = r.${e('profile_id')} WHERE p.${e('active')} = 1 ORDER BY r.${e('id')}`,
  )) as Record<string, unknown>[];
  const seen = new Set<string>();
  return rows
    .filter((r) => r.interval_unit === 'MONTH' && typeof r.activity_types === 'string' && !String(r.activity_types).includes(','))
    .map((r) => ({ tier_id: Number(r.tier_id), activity_type: String(r.activity_types), interval_months: Number(r.interval_count), due_soon_days: Number(r.due_soon_days) }))
    .filter((r) => !seen.has(`${r.tier_id}|${r.activity_type}`) && seen.add(`${r.tier_id}|${r.activity_type}`));
}

export async function restoreLegacyCadenceRules(q: QueryRunner, rules: readonly LegacyCadenceRule[]): Promise<void> {
  const e = (name: string) => q.connection.driver.escape(name);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  for (const r of rules) {
    await q.query(
      `INSERT INTO ${e('cadence_rules')} (${['tier_id', 'activity_type', 'interval_months', 'due_soon_days', 'version', 'created_at', 'updated_at'].map(e).join(', ')}) VALUES (?, ?, ?, ?, 1, ?, ?)`,
      [r.tier_id, r.activity_type, r.interval_months, r.due_soon_days, now, now],
    );
  }
}
