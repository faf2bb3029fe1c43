/** The request both servers answer in the API benchmark: a page of accounts with their people and projects. */
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
