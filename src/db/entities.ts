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
import { ImportJobFile } from '../modules/imports/import-job-file.entity';
import { ImportJobRow } from '../modules/imports/import-row.entity';
import { ImportJobChange } from '../modules/imports/import-change.entity';
import { ImportMapping } from '../modules/imports/import-mapping.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { LoginThrottle } from '../modules/auth/login-throttle.entity';
import { PolicySetting } from '../modules/settings/policy-setting.entity';
import { ScheduledRun } from './scheduled-runs';
import { ConfidentialityAgreement } from '../modules/agreements/agreement.entity';
import { TeamRole } from '../modules/service-team/team-role.entity';
import { TeamMember } from '../modules/service-team/team-member.entity';
import { TeamRequirement } from '../modules/service-team/team-requirement.entity';
import { CadenceProfile } from '../modules/cadence/cadence-profile.entity';
import { CommunicationPlan } from '../modules/plans/communication-plan.entity';
import { FollowUpAction } from '../modules/plans/follow-up.entity';
import { IdentificationCriterion } from '../modules/tiers/identification-criterion.entity';
import { TierList, TierListEntry } from '../modules/reviews/tier-list.entity';
import { Complaint, ComplaintDeadline } from '../modules/complaints/complaint.entity';
import { Handover, HandoverItem } from '../modules/handover/handover.entity';
import { ReportMonthClose, ReportSnapshotPart } from '../modules/reports/report-close.entity';
import { Tombstone } from '../modules/bi/tombstone.entity';

export {
  OrgUnit, User, ApiKey, Tier, ManagementLevel, CadenceRule, Assignment, TierReview, Account, Contact,
  CreditEvaluation, Project, Receivable, Payment, Activity, ImportJob, ImportIssue, AuditEvent,
  AccountRecommendation, YearEndRule, PolicyLock, LoginThrottle, ManagementLevelReview, DataAccessGrant,
  PolicySetting, ConfidentialityAgreement, TeamRole, TeamMember, TeamRequirement, CadenceProfile, CommunicationPlan, FollowUpAction,
  IdentificationCriterion, TierList, TierListEntry, Complaint, ComplaintDeadline, Handover, HandoverItem,
  ReportMonthClose, ReportSnapshotPart,
  Tombstone,
  ImportJobFile, ImportJobRow, ImportJobChange,
  ScheduledRun,
  ImportMapping,
};

export const ENTITIES = [
  OrgUnit, User, ApiKey, Tier, ManagementLevel, CadenceRule, Assignment, TierReview, Account, Contact,
  CreditEvaluation, Project, Receivable, Payment, Activity, ImportJob, ImportIssue, AuditEvent,
  AccountRecommendation, YearEndRule, PolicyLock,
  LoginThrottle, ManagementLevelReview, DataAccessGrant,
  // The policies, complete (issue 19): agreements, service teams, plans, criteria, tier lists, complaints, handovers.
  PolicySetting, ConfidentialityAgreement, TeamRole, TeamMember, TeamRequirement, CadenceProfile, CommunicationPlan, FollowUpAction,
  IdentificationCriterion, TierList, TierListEntry, Complaint, ComplaintDeadline, Handover, HandoverItem,
  // Month-end close of the monthly report (issue 14).
  ReportMonthClose, ReportSnapshotPart,
  // BI (issue 15): deletions leave tombstones.
  Tombstone,
  // Import jobs reviewed before commit and undone after (issue 12).
  ImportJobFile, ImportJobRow, ImportJobChange,
  // Many instances on one database (issue 16): scheduled jobs claim their slot.
  ScheduledRun,
  // Imports in the branches' own words (issue 12): saved header aliases and value mappings.
  ImportMapping,
];
