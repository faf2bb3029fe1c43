/**
 * Scalar policy settings: a typed key per setting, stored as JSON in `policy_settings`. Who may change
 * a setting is the owning module's decision (it checks the role before calling {@link set}); every
 * change is on the audit trail, before → after.
 */
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { managerFor } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import { PolicySetting } from './policy-setting.entity';

/** Every setting, with its type. */
export interface PolicySettings {
  /** 保密协议版本: only agreements of this version count (null = any version on file). */
  'confidentiality.requiredVersion': string | null;
  /** 年度客户名录审批人: the user (the general manager) who approves the yearly tier list; null = any committee member. */
  'tierList.approverUserId': number | null;
}

export type PolicySettingKey = keyof PolicySettings;

const DEFAULTS: PolicySettings = {
  'confidentiality.requiredVersion': null,
  'tierList.approverUserId': null,
};

export class PolicySettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get<K extends PolicySettingKey>(ctx: RequestContext, key: K): Promise<PolicySettings[K]> {
    const row = await managerFor(this.ds, ctx).findOneBy(PolicySetting, { key });
    return row?.value == null ? DEFAULTS[key] : (JSON.parse(row.value) as PolicySettings[K]);
  }

  /** Stores a setting (the caller checked who may) and audits the change. */
  async set<K extends PolicySettingKey>(ctx: RequestContext, key: K, value: PolicySettings[K]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const before = await this.get(ctx, key);
    const json = value === null ? null : JSON.stringify(value);
    const existing = await em.findOneBy(PolicySetting, { key });
    if (existing) await em.update(PolicySetting, { id: existing.id }, { value: json, updatedById: ctx.actor.userId });
    else await em.insert(PolicySetting, { key, value: json, updatedById: ctx.actor.userId });
    await this.audit.record(ctx, { action: 'policySetting.set', entity: 'PolicySetting', entityId: key, fields: [key], before: { [key]: before }, after: { [key]: value } });
  }
}
