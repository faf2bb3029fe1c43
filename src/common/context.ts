/**
 * Who is acting, and from where. Every service method takes a {@link RequestContext} first, so rules
 * (roles, ownership, audit) apply the same way to the API, the CLI, importers and seeds.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Role } from './enums';

export interface Actor {
  kind: 'user' | 'apikey' | 'system' | 'anonymous';
  /** Human-readable identity for audit: a login, `apikey:<name>`, or `system:<what>`. */
  name: string;
  role: Role;
  userId: number | null;
  unitId: number | null;
}

export interface RequestContext {
  actor: Actor;
  requestId: string;
  /** IP address, `cli` or `seed`. */
  origin: string;
  /** The client's User-Agent header (HTTP requests), for the audit trail. */
  userAgent?: string;
  /** Set inside a transaction: services use it instead of the DataSource's manager. */
  em?: EntityManager;
  /** Sensitive reads noted during this request, written as one audit event at its end (`AuditService.flushReads`). */
  reads?: SensitiveReadLog;
  /** The request's time budget (GraphQL queries): heavy reads stop at `deadline` (epoch ms) with QUERY_TIMEOUT. */
  budget?: TimeBudget;
  /**
   * The caller's confidentiality agreements (保密协议) on file, loaded once per request: the privacy rule
   * reveals personal data only to someone with a valid one (`agreements/agreement.rules.ts`). Absent =
   * not loaded, which counts as no agreement (a system context needs none).
   */
  confidentiality?: ConfidentialityFacts;
}

export interface TimeBudget {
  /** Epoch milliseconds. */
  deadline: number;
  /** The whole budget, for messages. */
  seconds: number;
}

/** One agreement on file, as the confidentiality rule reads it. */
export interface AgreementFact {
  documentVersion: string;
  signedOn: string;
  expiresOn: string | null;
  revokedOn: string | null;
}

/** What the confidentiality rule knows of a caller: their agreements and the version in force. */
export interface ConfidentialityFacts {
  userId: number | null;
  agreements: AgreementFact[];
  /**
   * Only agreements of this version count; null = any version. Read only against agreements on file:
   * for a caller with none it is null, as it cannot change what the rule answers (MISSING, or NOT_REQUIRED).
   */
  requiredVersion: string | null;
}

/** Entity → the record ids and field names read in full (never the values). */
export type SensitiveReadLog = Map<string, { ids: Set<string>; fields: Set<string> }>;

/** Whose request this is, for per-caller limits: the API key or login, or the address of an anonymous caller. */
export function callerKey(ctx: RequestContext): string {
  return ctx.actor.kind === 'anonymous' ? `address:${ctx.origin}` : ctx.actor.name;
}

/** Context for the CLI, seeds and other trusted in-process callers: acts as ADMIN. */
export function systemContext(what = 'cli', origin = 'cli'): RequestContext {
  return {
    actor: { kind: 'system', name: `system:${what}`, role: Role.ADMIN, userId: null, unitId: null },
    requestId: randomUUID(),
    origin,
    reads: new Map(),
  };
}

/** A caller who sent no credentials: may reach only what needs none (health, login). */
export function anonymousContext(origin: string, requestId: string = randomUUID()): RequestContext {
  return { actor: { kind: 'anonymous', name: 'anonymous', role: Role.ANALYST, userId: null, unitId: null }, requestId, origin, reads: new Map() };
}
