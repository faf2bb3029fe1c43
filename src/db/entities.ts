/** Every entity, in one list: the DataSource, the migration generator and the drift test use it. */
import { OrgUnit } from '../modules/org/org-unit.entity';
import { User } from '../modules/org/user.entity';
import { ApiKey } from '../modules/auth/api-key.entity';
import { Tier } from '../modules/tiers/tier.entity';
import { ManagementLevel } from '../modules/tiers/management-level.entity';
import { CadenceRule } from '../modules/cadence/cadence-rule.entity';
import { Assignment } from '../modules/ownership/assignment.entity';
import { TierReview } from '../modules/reviews/tier-review.entity';
import { ManagementLevelReview } from '../modules/reviews/management-level-review.entity';
import { DataAccessGrant } from '../modules/privacy/data-access-grant.entity';
import { AccountRecommendation } from '../modules/ownership/account-recommendation.entity';
import { YearEndRule } from '../modules/year-end/year-end-rule.entity';
import { PolicyLock } from './policy-lock';
import { Account } from '../modules/accounts/account.entity';
import { Contact } from '../modules/contacts/contact.entity';
import { CreditEvaluation } from '../modules/credit/credit-evaluation.entity';
import { Project } from '../modules/projects/project.entity';
import { Receivable } from '../modules/projects/receivable.entity';
import { Payment } from '../modules/projects/payment.entity';
import { Activity } from '../modules/activities/activity.entity';
import { ImportJob } from '../modules/imports/import-job.entity';
import { ImportIssue } from '../modules/imports/import-issue.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { LoginThrottle } from '../modules/auth/login-throttle.entity';

export {
  OrgUnit, User, ApiKey, Tier, ManagementLevel, CadenceRule, Assignment, TierReview, Account, Contact,
  CreditEvaluation, Project, Receivable, Payment, Activity, ImportJob, ImportIssue, AuditEvent,
  AccountRecommendation, YearEndRule, PolicyLock, LoginThrottle, ManagementLevelReview, DataAccessGrant,
};

export const ENTITIES = [
  OrgUnit, User, ApiKey, Tier, ManagementLevel, CadenceRule, Assignment, TierReview, Account, Contact,
  CreditEvaluation, Project, Receivable, Payment, Activity, ImportJob, ImportIssue, AuditEvent,
  AccountRecommendation, YearEndRule, PolicyLock,
  LoginThrottle, ManagementLevelReview, DataAccessGrant,
];
