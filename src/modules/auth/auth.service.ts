import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role, Roles } from '../../common/enums';
import { toId, type Id } from '../../common/ids';
import { cleanText } from '../../common/text';
import { managerFor } from '../../db/transaction';
import { AuditService } from '../audit/audit.service';
import { User } from '../org/user.entity';
import { readWhereIn } from '../../db/hydrate';
import { ApiKey } from './api-key.entity';
import { AccessService } from './access.service';
import { LoginThrottleService } from './login-throttle.service';
import { hashPassword, verifyPassword } from './password';
import { TOKEN_PREFIX, signToken, signingKey, verifyToken } from './token';

export interface AuthOptions {
  /** KAM_TOKEN_SECRET; undefined in development/test = a random key per process. */
  tokenSecret: string | undefined;
  tokenTtlSeconds: number;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: User;
}

/** Consecutive wrong passwords before a login is locked, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

let timingHash: Promise<string> | undefined;
/** A real hash to verify against when the login does not exist, so both answers take as long. */
function dummyHash(): Promise<string> {
  timingHash ??= hashPassword(randomBytes(16).toString('hex'));
  return timingHash;
}

export interface CreateApiKeyInput {
  name: string;
  role: Role | string;
  /** The user the key acts as (required for MANAGER keys, which write only their own accounts). */
  userId?: number | null;
  expiresAt?: Date | null;
}

const KEY_PREFIX = 'kam_';

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Authentication: API keys (only a SHA-256 is stored) and user logins (scrypt hashes, signed tokens). */
export class AuthService {
  private readonly key: Buffer;
  /** True when tokens are signed with a per-process key (no KAM_TOKEN_SECRET). */
  readonly ephemeralTokenSecret: boolean;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly options: AuthOptions,
    /** Failures per client address (passwords and bearer credentials); none = not limited. */
    private readonly throttle?: LoginThrottleService,
  ) {
    const { key, ephemeral } = signingKey(options.tokenSecret);
    this.key = key;
    this.ephemeralTokenSecret = ephemeral;
  }

  /**
   * Checks a login and password and issues a signed token valid for KAM_TOKEN_TTL seconds. A wrong
   * login and a wrong password get the same answer; after {@link MAX_FAILED_LOGINS} wrong passwords
   * in a row the login is locked for {@link LOCK_MINUTES} minutes, and an address with too many failed
   * logins (any login) is refused for a while (LOGIN_RATE_LIMITED, see LoginThrottleService).
   */
  async login(ctx: RequestContext, login: string, password: string): Promise<LoginResult> {
    const em = this.ds.manager;
    await this.throttle?.assertAllowed('login', ctx.origin);
    const name = cleanText(login);
    const user = name ? await em.findOneBy(User, { login: name }) : null;
    const now = new Date();
    const refused = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'wrong login or password');
    if (!user || !user.passwordHash || !user.active) {
      await verifyPassword(password, await dummyHash());
      await this.audit.record(ctx, { action: 'auth.login.failed', entity: 'User', entityId: user?.id ?? null, after: { login: name } });
      await this.throttle?.recordFailure('login', ctx.origin);
      throw refused();
    }
    if (!(await this.passwordMatches(ctx, user, password, now))) {
      await this.throttle?.recordFailure('login', ctx.origin);
      throw refused();
    }
    if (user.failedLogins !== 0 || user.lockedUntil) await em.update(User, { id: user.id }, { failedLogins: 0, lockedUntil: null });
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.options.tokenTtlSeconds;
    const token = signToken(this.key, { sub: user.id, login: user.login as string, role: user.role, unit: user.unitId, iat, exp });
    await this.audit.record({ ...ctx, actor: actorOf(user) }, { action: 'auth.login', entity: 'User', entityId: user.id });
    return { token, expiresAt: new Date(exp * 1000), user };
  }

  /**
   * Checks a user's password the way every door must: LOGIN_LOCKED while the login is locked; a wrong
   * password is counted in the database (parallel guesses on any instance all count) and the
   * {@link MAX_FAILED_LOGINS}th in a row locks the login for {@link LOCK_MINUTES} minutes.
   */
  private async passwordMatches(ctx: RequestContext, user: User, password: string, now: Date): Promise<boolean> {
    const em = this.ds.manager;
    if (user.lockedUntil && user.lockedUntil > now) {
      throw new DomainError(ErrorCode.LOGIN_LOCKED, `too many wrong passwords: the login is locked until ${user.lockedUntil.toISOString()}`);
    }
    if (user.passwordHash && (await verifyPassword(password, user.passwordHash))) return true;
    await em.increment(User, { id: user.id }, 'failedLogins', 1);
    const failed = (await em.findOne(User, { where: { id: user.id }, select: { id: true, failedLogins: true } }))?.failedLogins ?? MAX_FAILED_LOGINS;
    const lock = failed >= MAX_FAILED_LOGINS;
    if (lock) await em.update(User, { id: user.id }, { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) });
    await this.audit.record(ctx, { action: lock ? 'auth.login.locked' : 'auth.login.failed', entity: 'User', entityId: user.id, after: { login: user.login } });
    return false;
  }

  /** ADMIN sets (or resets) a user's password; the user's lockout is lifted. */
  async setPassword(ctx: RequestContext, userId: Id, password: string): Promise<User> {
    this.access.assertAdmin(ctx, "set users' passwords");
    const em = managerFor(this.ds, ctx);
    const id = toId(userId, 'userId');
    const user = await em.findOneBy(User, { id });
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `userId: user ${id} not found`, { field: 'userId' });
    if (!user.login) throw new DomainError(ErrorCode.VALIDATION_FAILED, `userId: user ${user.name} has no login; give them one first`, { field: 'userId' });
    await em.update(User, { id }, { passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null });
    await this.audit.record(ctx, { action: 'user.password.set', entity: 'User', entityId: id });
    return (await em.findOneBy(User, { id })) as User;
  }

  /** A logged-in user changes their own password, proving the current one. */
  async changeOwnPassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<void> {
    const { actor } = ctx;
    if (actor.kind === 'anonymous') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'log in first');
    if (actor.kind !== 'user' || actor.userId === null) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${actor.name} is not a user login; an ADMIN sets passwords with setUserPassword`);
    }
    // The same limits as a login: a stolen token must not become a password-guessing oracle.
    await this.throttle?.assertAllowed('login', ctx.origin);
    const user = await this.ds.manager.findOneBy(User, { id: actor.userId });
    if (!user?.passwordHash) throw new DomainError(ErrorCode.FORBIDDEN, 'this user has no password yet; an ADMIN sets one with setUserPassword');
    if (!(await this.passwordMatches(ctx, user, currentPassword, new Date()))) {
      await this.throttle?.recordFailure('login', ctx.origin);
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'currentPassword: wrong password', { field: 'currentPassword' });
    }
    await this.ds.manager.update(User, { id: user.id }, { passwordHash: await hashPassword(newPassword), failedLogins: 0, lockedUntil: null });
    await this.audit.record(ctx, { action: 'user.password.change', entity: 'User', entityId: user.id });
  }

  /** Creates a key and returns its secret, which is never stored and cannot be shown again. */
  async createApiKey(ctx: RequestContext, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
    const em = managerFor(this.ds, ctx);
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: an API key needs a name', { field: 'name' });
    const role = Roles.parse(String(input.role), 'role');
    let user: User | null = null;
    if (input.userId != null) {
      user = await em.findOneBy(User, { id: input.userId });
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `user: ${input.userId} not found`, { field: 'userId' });
    }
    if (role === Role.MANAGER && !user) {
      throw new DomainError(ErrorCode.REQUIRED, 'user: a MANAGER key must act as a manager (it writes only the accounts that user manages)', { field: 'user' });
    }
    const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
    const apiKey = em.create(ApiKey, {
      name,
      role,
      keyHash: hashApiKey(secret),
      prefix: secret.slice(0, 12),
      userId: user?.id ?? null,
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    });
    await em.save(apiKey);
    await this.audit.record(ctx, { action: 'apikey.create', entity: 'ApiKey', entityId: apiKey.id, after: { name, role, userId: apiKey.userId } });
    return { apiKey, secret };
  }

  async revokeApiKeysNamed(ctx: RequestContext, name: string): Promise<number> {
    const res = await managerFor(this.ds, ctx).update(ApiKey, { name, revokedAt: IsNull() }, { revokedAt: new Date() });
    return res.affected ?? 0;
  }

  /**
   * The actor a trusted local operator acts as (`kam import --as LOGIN`): the user's own role and unit,
   * so every rule applies as if that user had sent the request. NOT_FOUND for an unknown login,
   * FORBIDDEN for a deactivated user.
   */
  async actorForLogin(login: string): Promise<Actor> {
    const user = await this.ds.getRepository(User).findOneBy({ login: login.trim() });
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `--as: no user has the login "${login}"`, { field: 'as' });
    if (!user.active) throw new DomainError(ErrorCode.FORBIDDEN, `--as: user ${login} is deactivated`, { field: 'as' });
    return actorOf(user);
  }

  /**
   * The actor behind `Authorization: Bearer <API key or login token>`; null when there is no header.
   * A wrong, revoked or expired key or token is UNAUTHENTICATED. Tokens are checked by signature and
   * expiry alone (no lookup): a role change or deactivation takes effect at the next login, at most
   * KAM_TOKEN_TTL later. With the client's address (`origin`), failures are counted per address and an
   * address over the limit is refused with LOGIN_RATE_LIMITED.
   */
  async authenticate(authorization: string | undefined, origin?: string): Promise<Actor | null> {
    if (!authorization) return null;
    if (origin === undefined || !this.throttle) return this.verifyCredential(authorization);
    this.throttle.assertNotKnownBlocked('bearer', origin);
    try {
      return await this.verifyCredential(authorization);
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.UNAUTHENTICATED) await this.throttle.recordFailure('bearer', origin);
      throw e;
    }
  }

  private async verifyCredential(authorization: string): Promise<Actor> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Authorization must be "Bearer <API key or login token>"');
    const secret = m[1];
    if (secret.startsWith(TOKEN_PREFIX)) {
      const claims = verifyToken(this.key, secret);
      return { kind: 'user', name: claims.login, role: claims.role, userId: claims.sub, unitId: claims.unit };
    }
    if (!secret.startsWith(KEY_PREFIX)) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'unknown credentials');
    // This runs on every request: one lean statement for the key, one by primary key for its user.
    const [key] = await readWhereIn(this.ds, ApiKey, 'keyHash', [hashApiKey(secret)]);
    if (key?.userId != null) key.user = (await readWhereIn(this.ds, User, 'id', [key.userId]))[0] ?? null;
    const now = new Date();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key is unknown, revoked or expired');
    }
    if (key.user && !key.user.active) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key belongs to an inactive user');
    // A key acting as a user carries that user's powers only while the user still has the key's role:
    // a manager made an analyst keeps no manager's key (and a promotion does not widen an old key).
    if (key.user && key.user.role !== key.role) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, `the API key was issued for role ${key.role}, but its user is now ${key.user.role}; issue a new key`);
    }
    // Record use at most once a minute: a busy BI tool must not turn every read into a write.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await this.ds.manager.update(ApiKey, { id: key.id }, { lastUsedAt: now });
    }
    return { kind: 'apikey', name: `apikey:${key.name}`, role: key.role, userId: key.userId, unitId: key.user?.unitId ?? null };
  }
}

function actorOf(user: User): Actor {
  return { kind: 'user', name: user.login ?? `user:${user.id}`, role: user.role, userId: user.id, unitId: user.unitId };
}
