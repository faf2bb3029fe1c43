/**
 * The requests both servers of the API benchmark answer (test/bench/api.bench.ts), and the raw
 * baseline (raw-baseline.ts) answers by hand-written SQL: its answer for each is the API's, byte for byte.
 */

/** A page of 50 accounts with their tier, manager, people and projects. */
export const BENCH_QUERY = `query Bench {
  accounts(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id code name annualSales
      tier { code name }
      manager { name }
      contacts { id name title mobile }
      projects { id name status contractAmount signedOn }
    }
  }
}`;

/** A page of 500 persons: names, titles and mobiles, masked by the need-to-know rule for the caller. */
export const BENCH_CONTACTS_QUERY = `query BenchContacts {
  contacts(first: 500) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name title mobile }
  }
}`;

export interface BenchScenario {
  name: string;
  query: string;
}

export const BENCH_SCENARIOS: readonly BenchScenario[] = [
  { name: 'accounts page: 50 accounts with tier, manager, contacts and projects', query: BENCH_QUERY },
  { name: 'contacts page: 500 persons, masked (name, title, mobile)', query: BENCH_CONTACTS_QUERY },
];
