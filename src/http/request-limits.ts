/**
 * Limits per request and per caller, beside the cost estimate (protection.ts):
 *
 * - **Concurrency per caller** ({@link CallerLimits}): an API key, a login, or the address of a caller
 *   without credentials may have `KAM_MAX_CONCURRENT_REQUESTS` requests running; one more is refused at
 *   once with TOO_MANY_REQUESTS (HTTP 429, `Retry-After`), before it is parsed. Refusing beats queueing
 *   here: a flood then costs the server nothing, and a well-behaved client simply retries.
 * - **A time budget per GraphQL query** ({@link budgetFor}, {@link budgetPlugin}): the context carries a
 *   deadline; heavy reads stop at it in the database (src/db/heavy-reads.ts) and the executor answers
 *   QUERY_TIMEOUT at it whatever is still running (jit-executor.ts). Mutations are exempt: answering
 *   "timed out" while a write goes on to commit would mislead.
 *
 * Counters live in this process: behind a load balancer each instance enforces its own limits.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { TimeBudget } from '../common/context';
import { DomainError, ErrorCode } from '../common/errors';
import { queryTimeout } from '../db/heavy-reads';
import { graphqlCodeFor } from './graphql-errors';
import type { GraphQLContext } from './graphql-context';

/** Seconds a refused caller is told to wait: its running requests are usually done by then. */
export const RETRY_AFTER_SECONDS = 1;

export class CallerLimits {
  private readonly running = new Map<string, number>();

  constructor(readonly maxPerCaller: number) {}

  /** Requests `key` has running. */
  count(key: string): number {
    return this.running.get(key) ?? 0;
  }

  /** Counts a request of `key` in; returns its release (idempotent), or throws TOO_MANY_REQUESTS. */
  enter(key: string): () => void {
    const n = this.count(key);
    if (n >= this.maxPerCaller) {
      throw new DomainError(
        ErrorCode.TOO_MANY_REQUESTS,
        `too many requests at once: ${this.maxPerCaller} are already running for this caller; wait for them to finish (retry in ${RETRY_AFTER_SECONDS} s)`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS, limit: this.maxPerCaller },
      );
    }
    this.running.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(key) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
    };
  }
}

/** The budget of a request starting now. */
export function budgetFor(seconds: number): TimeBudget {
  return { deadline: Date.now() + seconds * 1000, seconds };
}

/** Mutations run without the budget (see the module comment). */
export function budgetPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'query') contextValue.ctx.budget = undefined;
        },
      };
    },
  };
}

/** The answer of a query still running at its deadline. */
export function timeoutError(budget: TimeBudget): GraphQLError {
  const e = queryTimeout(budget);
  return new GraphQLError(e.message, { extensions: { code: graphqlCodeFor(e.code), reason: e.code, ...e.details } });
}

/** `work`, or the budget's timeout answer if the deadline comes first. */
export async function withinBudget<T>(work: Promise<T>, budget: TimeBudget | undefined, onTimeout: () => T): Promise<T> {
  if (!budget) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), Math.max(0, budget.deadline - Date.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
