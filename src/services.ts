/** The service container: one set of services per DataSource, shared by the API, the CLI, importers and seeds. */
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AuditService } from './modules/audit/audit.service';
import { TierService } from './modules/policy/tier.service';
import { OrgService } from './modules/org/org.service';
import { AuthService } from './modules/auth/auth.service';
import { AccountService } from './modules/accounts/account.service';
import { ContactService } from './modules/contacts/contact.service';
import { CreditService } from './modules/credit/credit.service';
import { ProjectService } from './modules/projects/project.service';
import { ActivityService } from './modules/activities/activity.service';
import { ImportService } from './modules/imports/import.service';
import { OwnershipService } from './modules/policy/ownership.service';
import { TierReviewService } from './modules/policy/tier-review.service';
import { CadenceService } from './modules/policy/cadence.service';
import { YearEndService } from './modules/policy/year-end.service';
import { ConsentService } from './modules/policy/consent.service';

export interface Services {
  ds: DataSource;
  config: Config;
  audit: AuditService;
  tiers: TierService;
  org: OrgService;
  auth: AuthService;
  accounts: AccountService;
  contacts: ContactService;
  credit: CreditService;
  projects: ProjectService;
  activities: ActivityService;
  imports: ImportService;
  ownership: OwnershipService;
  tierReviews: TierReviewService;
  cadence: CadenceService;
  yearEnd: YearEndService;
  consent: ConsentService;
}

export function createServices(ds: DataSource, config: Config): Services {
  const audit = new AuditService(ds);
  const tiers = new TierService(ds, audit);
  // Accounts and ownership call each other (every account write follows the ownership rules).
  const ownership: OwnershipService = new OwnershipService(ds, audit, tiers, () => accounts);
  const accounts: AccountService = new AccountService(ds, tiers, audit, () => config.maxPageSize, ownership);
  const cadence = new CadenceService(ds, audit, tiers, () => config.maxPageSize);
  return {
    ds,
    config,
    audit,
    tiers,
    org: new OrgService(ds, audit),
    auth: new AuthService(ds, audit),
    accounts,
    contacts: new ContactService(ds),
    credit: new CreditService(ds),
    projects: new ProjectService(ds),
    activities: new ActivityService(ds),
    imports: new ImportService(ds, () => config.maxPageSize),
    ownership,
    tierReviews: new TierReviewService(ds, audit, tiers, ownership, () => config.maxPageSize),
    cadence,
    yearEnd: new YearEndService(ds, audit, cadence, ownership, () => config.maxPageSize),
    consent: new ConsentService(ds, audit, ownership),
  };
}
