/** A real GraphQL client over HTTP against a server started on an ephemeral port. */
import type { Services } from '../../src/services';
import { silentLogger } from '../../src/common/logger';
import { startServer, type RunningServer } from '../../src/http/server';

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; reason?: string } }[];
}

export class GqlClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  as(token: string | undefined): GqlClient {
    return new GqlClient(this.url, token);
  }

  async request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult<T>;
    return { ...body, status: res.status };
  }

  /** Like request, but fails the test on any error and returns data. */
  async data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await this.request<T>(query, variables);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  }
}

export async function startTestServer(services: Services): Promise<RunningServer> {
  return startServer(services, silentLogger, 0, '127.0.0.1');
}
