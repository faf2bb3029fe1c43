import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import type { Actor, RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { Role, Roles } from '../../common/enums';
import { cleanText } from '../../common/text';
import { managerFor } from '../../db/transaction';
import { AuditService } from '../audit/audit.service';
import { User } from '../org/user.entity';
import { ApiKey } from './api-key.entity';

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

/** Authentication: API keys (only a SHA-256 is stored) and, later, user logins. */
export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

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
   * The actor behind `Authorization: Bearer <secret>`; null when there is no header.
   * A wrong, revoked or expired key is UNAUTHENTICATED.
   */
  async authenticate(authorization: string | undefined): Promise<Actor | null> {
    if (!authorization) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Authorization must be "Bearer <API key>"');
    const secret = m[1];
    if (!secret.startsWith(KEY_PREFIX)) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'unknown credentials');
    const key = await this.ds.manager.findOne(ApiKey, { where: { keyHash: hashApiKey(secret) }, relations: { user: true } });
    const now = new Date();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key is unknown, revoked or expired');
    }
    if (key.user && !key.user.active) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key belongs to an inactive user');
    // Record use at most once a minute: a busy BI tool must not turn every read into a write.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await this.ds.manager.update(ApiKey, { id: key.id }, { lastUsedAt: now });
    }
    return { kind: 'apikey', name: `apikey:${key.name}`, role: key.role, userId: key.userId, unitId: key.user?.unitId ?? null };
  }
}
