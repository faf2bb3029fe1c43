/** The service container: one set of services per DataSource, shared by the API, the CLI, importers and seeds. */
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AuditService } from './modules/audit/audit.service';
import { TierService } from './modules/tiers/tier.service';
import { OrgService } from './modules/org/org.service';
import { AuthService } from './modules/auth/auth.service';
import { AccessService } from './modules/auth/access.service';
import { AccountService } from './modules/accounts/account.service';
import { ContactService } from './modules/contacts/contact.service';
import { CreditService } from './modules/credit/credit.service';
import { ProjectService } from './modules/projects/project.service';
import { ActivityService } from './modules/activities/activity.service';
import { AnalyticsService } from './modules/analytics/analytics.service';
import { ImportService } from './modules/imports/import.service';
import { ImportReviewService } from './modules/imports/import-review.service';
import { setLanguage } from './common/messages';
import { ImportMappingService } from './modules/imports/import-mapping.service';
import { OwnershipService } from './modules/ownership/ownership.service';
import { ManagementLevelReviewService, TierReviewService } from './modules/reviews/tier-review.service';
import { OwnershipStore } from './modules/ownership/ownership.store';
import { systemClock, type Clock } from './common/clock';
import { addMonths, setBusinessTimeZone } from './common/dates';
import { CadenceService } from './modules/cadence/cadence.service';
import { YearEndService } from './modules/year-end/year-end.service';
import { ConsentService } from './modules/consent/consent.service';
import { keyRingFor, type KeyRing } from './common/field-crypto';
import { DataKeyService } from './modules/privacy/data-keys.service';
import { PrivacyService } from './modules/privacy/privacy.service';
import { NeedToKnowService } from './modules/privacy/need-to-know.service';
import { developmentKeyRing } from './modules/privacy/development-key';
import { LoginThrottleService } from './modules/auth/login-throttle.service';
import { ReportService } from './modules/reports/report.service';
import { AnnexExportService } from '../importers/write/annex-export';
import { heavyReadsFor, type HeavyReads } from './db/heavy-reads';
import { PolicySettingsService } from './modules/settings/policy-settings.service';
import { AgreementService } from './modules/agreements/agreement.service';
import { AccountTeamService } from './modules/service-team/service-team.service';
import { PlanService } from './modules/plans/plan.service';
import { FollowUpService } from './modules/plans/follow-up.service';
import { ComplaintService } from './modules/complaints/complaint.service';
import { HandoverService } from './modules/handover/handover.service';
import { TierListService } from './modules/reviews/tier-list.service';
import type { ReportExtension } from './modules/reports/report.service';
import { targetText } from './modules/tiers/tier.rules';
import { TargetStatuses } from './modules/tiers/tier-vocabulary';
import { mergeRiskLines } from './modules/reports/risk-lines';
import { BiService } from './modules/bi/bi.service';

export interface Services {
  ds: DataSource;
  config: Config;
  /** The field-encryption keys of this instance (KAM_DATA_KEYS; the development key when none): never shared with another instance. */
  keyRing: KeyRing;
  /** Expensive SELECTs: within the request's time budget, off the event loop on SQLite, a bounded share of the MySQL pool. */
  reads: HeavyReads;
  access: AccessService;
  audit: AuditService;
  tiers: TierService;
  org: OrgService;
  auth: AuthService;
  accounts: AccountService;
  contacts: ContactService;
  credit: CreditService;
  projects: ProjectService;
  activities: ActivityService;
  analytics: AnalyticsService;
  imports: ImportService;
  importReview: ImportReviewService;
  /** Saved header aliases and value mappings imports apply (issue 12). */
  importMappings: ImportMappingService;
  ownership: OwnershipService;
  tierReviews: TierReviewService;
  /** 管理层级复核: 公司级 / 分公司级 decided by the committee. */
  levelReviews: ManagementLevelReviewService;
  /** Assignments, recommendations and the lookups of the ownership rules (谁开发、谁优先). */
  ownershipStore: OwnershipStore;
  /** "Today" and the tolerance for dates that describe the past. */
  clock: Clock;
  cadence: CadenceService;
  yearEnd: YearEndService;
  consent: ConsentService;
  /** Field-encryption keys: status and rotation. */
  dataKeys: DataKeyService;
  /** PIPL rights: export and erase a person's data. */
  privacy: PrivacyService;
  /** Need-to-know: the facts the read rules need, and the grants an ADMIN makes. */
  needToKnow: NeedToKnowService;
  reports: ReportService;
  exports: AnnexExportService;
  /** Scalar policy settings (the agreement version in force, the tier list's approver). */
  settings: PolicySettingsService;
  /** 保密协议: agreements on file and the facts the privacy rule reads. */
  agreements: AgreementService;
  /** 服务团队: roles, seats with history, requirements and gaps. */
  team: AccountTeamService;
  /** 沟通计划 and how they were kept. */
  plans: PlanService;
  /** 跟进事项 with owners and due dates. */
  followUps: FollowUpService;
  /** 投诉、质量问题与服务请求. */
  complaints: ComplaintService;
  /** 工作交接: nothing orphaned when someone leaves. */
  handovers: HandoverService;
  /** 年度大客户名录, approved as one decision. */
  tierLists: TierListService;
  /** BI beyond GraphQL: change sets with tombstones, flat feeds, the catalog the SQL views are made from. */
  bi: BiService;
}

export function createServices(ds: DataSource, config: Config): Services {
  // Contact fields are sealed and opened with the configured keys (the development key when none).
  // Development without KAM_DATA_KEYS generates a key beside its database; tests use the public one.
  const keyRing = !config.dataKeys && config.env === 'development' ? developmentKeyRing(config.database) : keyRingFor(config.dataKeys);
  // The business calendar: every "today" and every instant's date a user reads is in this zone.
  setBusinessTimeZone(config.timeZone);
  setLanguage(config.language);
  const maxPageSize = () => config.maxPageSize;
  const reads = heavyReadsFor(ds, { concurrency: config.heavyQueryConcurrency });
  const access = new AccessService(ds);
  const audit = new AuditService(ds, access, maxPageSize);
  const clock = systemClock(config.futureDateToleranceDays);
  const tiers = new TierService(ds, audit);
  const ownershipStore = new OwnershipStore(ds, audit);
  const accounts = new AccountService(ds, tiers, audit, maxPageSize, access, ownershipStore);
  const ownership = new OwnershipService(ds, audit, tiers, accounts, ownershipStore, clock);
  const cadence = new CadenceService(ds, audit, tiers, maxPageSize, reads);
  const needToKnow = new NeedToKnowService(ds, audit);
  const imports = new ImportService(ds, maxPageSize, () => config.importPreviewHours, () => config.importFileRetentionDays);
  const settings = new PolicySettingsService(ds, audit);
  const agreements = new AgreementService(ds, audit, settings, clock);
  const team = new AccountTeamService(ds, audit, access, tiers, clock);
  const activities = new ActivityService(ds, access, audit, maxPageSize, clock);
  const plans = new PlanService(ds, access, audit, clock, maxPageSize);
  const followUps = new FollowUpService(ds, access, audit, clock, maxPageSize);
  const complaints = new ComplaintService(ds, access, audit, tiers, clock, maxPageSize);
  // What follows from a written activity — through the API and the ledger import alike.
  for (const effect of [followUps, complaints, plans]) activities.addEffect(effect);
  const handovers = new HandoverService(ds, audit, ownershipStore, team, followUps, complaints, plans, clock);
  ownership.setManagerChangeHook((ctx, accountId, from, to) => handovers.transferAccountItems(ctx, accountId, from, to));
  const org = new OrgService(ds, audit, access, maxPageSize);
  org.setDeactivationGuard((ctx, user) => handovers.assertMayDeactivate(ctx, user));
  const tierReviews = new TierReviewService(ds, audit, access, tiers, clock, maxPageSize);
  const reportExtension: ReportExtension = {
    risks: async (ctx, ids, asOf) =>
      mergeRiskLines([
        await complaints.overdueRiskLines(ctx, ids, asOf),
        await followUps.overdueRiskLines(ctx, ids, asOf),
        await plans.missedRiskLines(ctx, ids, asOf),
        // Seats are known as they are today: named in the current month's report and the one being prepared for last month.
        asOf >= `${addMonths(clock.today(), -1).slice(0, 7)}-01` ? await team.gapRiskLines(ctx, ids) : new Map<number, string[]>(),
      ]),
    notes: async (ctx) => {
      const rows = (await tiers.targets(ctx)).filter((r) => targetText(r.tier) !== null);
      return rows.length ? [['目标户数', rows.map((r) => `${r.tier.name} ${r.accounts} 家（目标 ${targetText(r.tier)}，${TargetStatuses.label(r.status)}）`).join('；')]] : [];
    },
  };
  return {
    ds,
    config,
    keyRing,
    reads,
    access,
    audit,
    tiers,
    org,
    auth: new AuthService(ds, audit, access, { tokenSecret: config.tokenSecret, tokenTtlSeconds: config.tokenTtlSeconds }, new LoginThrottleService(ds)),
    accounts,
    contacts: new ContactService(ds, keyRing, access, audit, maxPageSize, clock, agreements),
    credit: new CreditService(ds, access, audit, maxPageSize, clock),
    projects: new ProjectService(ds, access, audit, maxPageSize, clock),
    activities,
    analytics: new AnalyticsService(ds, accounts, needToKnow, reads),
    imports,
    importReview: new ImportReviewService(ds, imports, audit, needToKnow, () => ({ undoDays: config.importUndoDays }), keyRing),
    importMappings: new ImportMappingService(ds, audit),
    ownership,
    ownershipStore,
    clock,
    tierReviews,
    levelReviews: new ManagementLevelReviewService(ds, audit, access, tiers, clock, maxPageSize),
    cadence,
    yearEnd: new YearEndService(ds, audit, cadence, ownership, maxPageSize, clock),
    consent: new ConsentService(ds, audit, access, clock),
    dataKeys: new DataKeyService(ds, keyRing, access, audit),
    privacy: new PrivacyService(ds, keyRing, access, audit),
    needToKnow,
    reports: new ReportService(ds, access, new AnalyticsService(ds, accounts, needToKnow, reads), tiers, cadence, audit, reportExtension, {
      closeDay: config.reportCloseDay, company: config.reportCompany, preparer: config.reportPreparer, reviewer: config.reportReviewer, principal: config.reportPrincipal, sofficePath: config.sofficePath,
    }),
    exports: new AnnexExportService(ds, accounts, audit, needToKnow, keyRing),
    settings,
    agreements,
    team,
    plans,
    followUps,
    complaints,
    handovers,
    tierLists: new TierListService(ds, audit, tiers, tierReviews, settings, clock),
    // The catalog reads the GraphQL schema's field types and descriptions (loaded when first needed).
    bi: new BiService(ds, audit, needToKnow, () => import('./http/schema').then((m) => m.kamSchema()), config.tombstoneRetentionDays, cadence, new AnalyticsService(ds, accounts, needToKnow, reads)),
  };
}
