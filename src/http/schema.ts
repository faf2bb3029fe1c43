/** Builds the GraphQL schema from every resolver and prints it sorted (the committed schema/schema.graphql). */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, registerEnumType, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth-checker';
import { bindSimpleFieldResolvers } from './bound-field-resolvers';
import { applyNeedToKnow } from './need-to-know';
import { addEnumLabels } from './enum-labels';
import { graphqlEnums } from '../common/enums';
import { ENTITIES } from '../db/entities';
import { AccountResolver } from '../modules/accounts/account.resolver';
import { ManagementLevelListItemResolver, TierResolver } from '../modules/tiers/tier.resolver';
import { ImportJobResolver } from '../modules/imports/import.resolver';
import { ImportReviewResolver } from '../modules/imports/import-review.resolver';
import { ImportMappingResolver } from '../modules/imports/import-mapping.resolver';
import { AccountPolicyResolver } from '../modules/tiers/account-tier.resolver';
import { OwnershipResolver, RecommendationResolver } from '../modules/ownership/ownership.resolver';
import { TierReviewResolver } from '../modules/reviews/tier-review.resolver';
import { ManagementLevelReviewResolver } from '../modules/reviews/management-level-review.resolver';
import { CadenceResolver, VisitComplianceResolver } from '../modules/cadence/cadence.resolver';
import { YearEndResolver } from '../modules/year-end/year-end.resolver';
import { ConsentResolver } from '../modules/consent/consent.resolver';
import { AuthResolver } from '../modules/auth/auth.resolver';
import { OrgUnitResolver, UserResolver } from '../modules/org/org.resolver';
import { ContactResolver } from '../modules/contacts/contact.resolver';
import { CreditEvaluationResolver } from '../modules/credit/credit.resolver';
import { PaymentResolver, ProjectResolver, ReceivableResolver } from '../modules/projects/project.resolver';
import { ActivityResolver } from '../modules/activities/activity.resolver';
import { AuditEventResolver } from '../modules/audit/audit.resolver';
import { PrivacyResolver } from '../modules/privacy/privacy.resolver';
import { NeedToKnowResolver } from '../modules/privacy/need-to-know.resolver';
import { AccountStatsRowResolver, ActivityStatsRowResolver, AnalyticsResolver, ProjectStatsRowResolver } from '../modules/analytics/analytics.resolver';
import { ReportResolver } from '../modules/reports/report.resolver';
import { AgreementResolver, ContactPrivacyNoticeResolver, ViewerConfidentialityResolver } from '../modules/agreements/agreement.resolver';
import { AccountTeamResolver, ServiceTeamGapResolver, ServiceTeamResolver, ServiceTeamSeatResolver, TeamRequirementResolver } from '../modules/service-team/service-team.resolver';
import { AccountPlansResolver, FollowUpResolver, PlanResolver } from '../modules/plans/plan.resolver';
import { AccountComplaintsResolver, ComplaintDeadlineResolver, ComplaintResolver } from '../modules/complaints/complaint.resolver';
import { HandoverItemResolver, HandoverResolver, UserHoldingsResolver } from '../modules/handover/handover.resolver';
import { TierListEntryResolver, TierListResolver } from '../modules/reviews/tier-list.resolver';
import { BiResolver } from '../modules/bi/bi.resolver';

/** The policy rules' resolvers: tiers, ownership, reviews, cadence, year end, consent. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const POLICY_RESOLVERS: Function[] = [
  TierResolver,
  ManagementLevelListItemResolver,
  AccountPolicyResolver,
  OwnershipResolver,
  RecommendationResolver,
  TierReviewResolver,
  ManagementLevelReviewResolver,
  CadenceResolver,
  VisitComplianceResolver,
  YearEndResolver,
  ConsentResolver,
  // The policies, complete (issue 19)
  TierListResolver,
  TierListEntryResolver,
  ServiceTeamResolver,
  ServiceTeamSeatResolver,
  ServiceTeamGapResolver,
  TeamRequirementResolver,
  AccountTeamResolver,
  PlanResolver,
  FollowUpResolver,
  AccountPlansResolver,
  ComplaintResolver,
  ComplaintDeadlineResolver,
  AccountComplaintsResolver,
  HandoverResolver,
  HandoverItemResolver,
  UserHoldingsResolver,
  AgreementResolver,
  ViewerConfidentialityResolver,
  ContactPrivacyNoticeResolver,
];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  // Entities: reads, writes, relations
  AccountResolver,
  AuthResolver,
  OrgUnitResolver,
  UserResolver,
  ContactResolver,
  CreditEvaluationResolver,
  ProjectResolver,
  ReceivableResolver,
  PaymentResolver,
  ActivityResolver,
  AuditEventResolver,
  ImportJobResolver,
  ImportReviewResolver,
  ImportMappingResolver,
  // BI aggregates
  AnalyticsResolver,
  AccountStatsRowResolver,
  ActivityStatsRowResolver,
  ProjectStatsRowResolver,
  ...POLICY_RESOLVERS,
  // PIPL rights
  PrivacyResolver,
  NeedToKnowResolver,
  // Reports
  ReportResolver,
  // BI beyond GraphQL: incremental change sets with deletions
  BiResolver,
];

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every DataSource; built once per process. */
export function kamSchema(): Promise<GraphQLSchema> {
  if (!built) for (const e of graphqlEnums()) registerEnumType(e.enumObject, { name: e.name, description: e.description, valuesConfig: e.valuesConfig as never });
  built ??= buildSchema({ resolvers: RESOLVERS, authChecker, authMode: 'error', validate: false }).then((schema) => {
    bindSimpleFieldResolvers(schema, RESOLVERS, ENTITIES);
    applyNeedToKnow(schema);
    // After need-to-know: a label reads its code through the code's (guarded) resolver.
    addEnumLabels(schema);
    return schema;
  });
  return built;
}

export const SCHEMA_HEADER = '# KAM Hub GraphQL schema — generated by `npm run schema:emit`; do not edit. A test fails when it drifts.\n\n';

export async function printKamSchema(): Promise<string> {
  return SCHEMA_HEADER + printSchema(lexicographicSortSchema(await kamSchema())) + '\n';
}
