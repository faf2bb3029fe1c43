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
import { OwnershipService } from './modules/ownership/ownership.service';
import { ManagementLevelReviewService, TierReviewService } from './modules/reviews/tier-review.service';
import { OwnershipStore } from './modules/ownership/ownership.store';
import { systemClock, type Clock } from './common/clock';
import { CadenceService } from './modules/cadence/cadence.service';
import { YearEndService } from './modules/year-end/year-end.service';
import { ConsentService } from './modules/consent/consent.service';
import { keyRingFor } from './common/field-crypto';
import { installKeyRing } from './modules/contacts/contact-privacy';
import { DataKeyService } from './modules/privacy/data-keys.service';
import { PrivacyService } from './modules/privacy/privacy.service';
import { NeedToKnowService } from './modules/privacy/need-to-know.service';
import { developmentKeyRing } from './modules/privacy/development-key';
import { LoginThrottleService } from './modules/auth/login-throttle.service';
import { ReportService } from './modules/reports/report.service';
import { AnnexExportService } from '../importers/write/annex-export';
import { heavyReadsFor, type HeavyReads } from './db/heavy-reads';

export interface Services {
  ds: DataSource;
  config: Config;
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
}

export function createServices(ds: DataSource, config: Config): Services {
  // Contact fields are sealed and opened with the configured keys (the development key when none).
  // Development without KAM_DATA_KEYS generates a key beside its database; tests use the public one.
  installKeyRing(!config.dataKeys && config.env === 'development' ? developmentKeyRing(config.database) : keyRingFor(config.dataKeys));
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
  return {
    ds,
    config,
    reads,
    access,
    audit,
    tiers,
    org: new OrgService(ds, audit, access, maxPageSize),
    auth: new AuthService(ds, audit, access, { tokenSecret: config.tokenSecret, tokenTtlSeconds: config.tokenTtlSeconds }, new LoginThrottleService(ds)),
    accounts,
    contacts: new ContactService(ds, access, audit, maxPageSize, clock),
    credit: new CreditService(ds, access, audit, maxPageSize, clock),
    projects: new ProjectService(ds, access, audit, maxPageSize, clock),
    activities: new ActivityService(ds, access, audit, maxPageSize, clock),
    analytics: new AnalyticsService(ds, accounts, needToKnow, reads),
    imports: new ImportService(ds, maxPageSize),
    ownership,
    ownershipStore,
    clock,
    tierReviews: new TierReviewService(ds, audit, access, tiers, clock, maxPageSize),
    levelReviews: new ManagementLevelReviewService(ds, audit, access, tiers, clock, maxPageSize),
    cadence,
    yearEnd: new YearEndService(ds, audit, cadence, ownership, maxPageSize, clock),
    consent: new ConsentService(ds, audit, access, clock),
    dataKeys: new DataKeyService(ds, access, audit),
    privacy: new PrivacyService(ds, access, audit),
    needToKnow,
    reports: new ReportService(ds, access, new AnalyticsService(ds, accounts, needToKnow, reads), tiers, cadence, audit),
    exports: new AnnexExportService(ds, accounts, audit, needToKnow),
  };
}
