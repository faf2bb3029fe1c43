/**
 * Failed credentials per client address, counted in the database so every instance of the stateless
 * API sees the same count: {@link ADDRESS_MAX_FAILURES} failures within {@link ADDRESS_WINDOW_MINUTES}
 * minutes and the address is refused (LOGIN_RATE_LIMITED, with the seconds to wait) until that window
 * ends. Passwords (`login`) and bearer credentials (`bearer`: API keys and login tokens) are counted
 * apart. The address is the request's `req.ip`, so behind a proxy it is only as good as KAM_TRUST_PROXY.
 */
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors';
import { dbKind } from '../../db/data-source';
import { LoginThrottle } from './login-throttle.entity';

export const ADDRESS_MAX_FAILURES = 20;
export const ADDRESS_WINDOW_MINUTES = 15;

export type ThrottleKind = 'login' | 'bearer';

export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
}

export class LoginThrottleService {
  /** Addresses this instance saw go over the limit, until when: refused without a query. */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly limits: ThrottleLimits = { maxFailures: ADDRESS_MAX_FAILURES, windowMs: ADDRESS_WINDOW_MINUTES * 60_000 },
  ) {}

  /** LOGIN_RATE_LIMITED when the address has used up its failures in the current window (one lookup). */
  async assertAllowed(kind: ThrottleKind, origin: string, now = new Date()): Promise<void> {
    const key = throttleKey(kind, origin);
    const row = await this.ds.manager.findOneBy(LoginThrottle, { key });
    if (row) this.check(key, row.failures, row.windowStart, now);
  }

  /** Like {@link assertAllowed} from what this instance already knows, without a query (every bearer request). */
  assertNotKnownBlocked(kind: ThrottleKind, origin: string, now = Date.now()): void {
    const key = throttleKey(kind, origin);
    const until = this.blocked.get(key);
    if (until === undefined) return;
    if (until <= now) this.blocked.delete(key);
    else throw rateLimited(kind, until - now);
  }

  /** Counts one failure of the address; throws LOGIN_RATE_LIMITED when that used up the window's allowance. */
  async recordFailure(kind: ThrottleKind, origin: string, now = new Date()): Promise<void> {
    const key = throttleKey(kind, origin);
    const meta = this.ds.getMetadata(LoginThrottle);
    const column = meta.findColumnWithPropertyName('windowStart')!;
    const at = this.ds.driver.preparePersistentValue(now, column);
    const cutoff = this.ds.driver.preparePersistentValue(new Date(now.getTime() - this.limits.windowMs), column);
    // One atomic statement: parallel failures on any instance all count; an expired window restarts.
    if (dbKind(this.ds) === 'mysql') {
      await this.ds.query(
        'INSERT INTO `login_throttles` (`key`, `failures`, `window_start`) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE `failures` = IF(`window_start` < ?, 1, `failures` + 1), `window_start` = IF(`window_start` < ?, VALUES(`window_start`), `window_start`)',
        [key, at, cutoff, cutoff],
      );
    } else {
      await this.ds.query(
        'INSERT INTO "login_throttles" ("key", "failures", "window_start") VALUES (?, 1, ?) ON CONFLICT ("key") DO UPDATE SET "failures" = CASE WHEN "window_start" < ? THEN 1 ELSE "failures" + 1 END, "window_start" = CASE WHEN "window_start" < ? THEN excluded."window_start" ELSE "window_start" END',
        [key, at, cutoff, cutoff],
      );
    }
    const row = await this.ds.manager.findOneBy(LoginThrottle, { key });
    // A window (re)started: a good moment to forget the windows of other addresses that ended.
    if (row?.failures === 1) await this.prune(now);
    if (row) this.check(key, row.failures, row.windowStart, now);
  }

  /** Forgets windows that ended (run now and then; rows are only read by key). */
  async prune(now = new Date()): Promise<number> {
    const res = await this.ds.manager.createQueryBuilder().delete().from(LoginThrottle).where('window_start < :cutoff', { cutoff: new Date(now.getTime() - this.limits.windowMs) }).execute();
    return res.affected ?? 0;
  }

  private check(key: string, failures: number, windowStart: Date, now: Date): void {
    const until = windowStart.getTime() + this.limits.windowMs;
    if (failures < this.limits.maxFailures || until <= now.getTime()) return;
    this.blocked.set(key, until);
    if (this.blocked.size > 10_000) this.blocked.delete(this.blocked.keys().next().value as string);
    throw rateLimited(key.startsWith('login:') ? 'login' : 'bearer', until - now.getTime());
  }
}

export function throttleKey(kind: ThrottleKind, origin: string): string {
  return `${kind}:${origin}`.slice(0, 100);
}

function rateLimited(kind: ThrottleKind, waitMs: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new DomainError(
    ErrorCode.LOGIN_RATE_LIMITED,
    `too many failed ${kind === 'login' ? 'logins' : 'credentials'} from this address: try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}
