/** Reference lists every page filters by: tiers, management levels, units, managers, and the business day. */
import { graphql } from '../gql';
import { useGql } from './client';

const ReferenceQuery = graphql(`
  query Reference {
    tiers { id code name rank active inMonthlyReport }
    managementLevels { id code name rank active }
    orgUnits(first: 500, orderBy: { field: CODE, direction: ASC }) { nodes { id code name kind active } }
    users(first: 500, filter: { roles: [MANAGER], active: true }, orderBy: { field: NAME, direction: ASC }) { nodes { id name login unit { id name } } }
  }
`);

export function useReference() {
  return useGql(ReferenceQuery, {}, { staleTime: 10 * 60_000 });
}

const TodayQuery = graphql(`
  query BusinessToday {
    activityStats(groupBy: [], types: [EXECUTIVE_VISIT]) { to }
  }
`);

/**
 * Today on the server's business calendar (KAM_TIMEZONE, Beijing by default): the default `to` of
 * activityStats. Due dates and compliance are computed for this day, not the browser's.
 */
export function useBusinessToday(): string | undefined {
  return useGql(TodayQuery, {}, { staleTime: 30 * 60_000 }).data?.activityStats.to;
}
