/**
 * Demo sign-ins: `kam serve --demo` (what `npm start` runs) gives every demo login one fresh password,
 * printed beside the admin API key, so a newcomer can sign in as each role. Set through the service an
 * ADMIN uses (`setUserPassword`, which also lifts a lockout). Only the demo company's own logins get it
 * (a user you created keeps yours), and never in production.
 */
import { randomBytes } from 'node:crypto';
import { systemContext } from '../../src/common/context';
import { DomainError, ErrorCode } from '../../src/common/errors';
import type { Services } from '../../src/services';
import { DEMO_LOGINS } from './generator';

export interface DemoSignIn {
  /** The demo logins that now have the password, in DEMO_LOGINS order. */
  logins: string[];
  password: string;
}

/** A password a person can read and type: `demo-` and 8 characters, above the 10-character minimum. */
export function demoPassword(): string {
  return `demo-${randomBytes(6).toString('base64url')}`;
}

export async function setDemoPasswords(services: Services, password = demoPassword()): Promise<DemoSignIn> {
  if (services.config.env === 'production') throw new DomainError(ErrorCode.FORBIDDEN, 'demo passwords are refused when NODE_ENV=production');
  const ctx = systemContext('serve --demo');
  const logins: string[] = [];
  for (const login of DEMO_LOGINS) {
    const user = await services.org.findUserByLogin(ctx, login);
    if (!user?.active) continue;
    await services.auth.setPassword(ctx, user.id, password);
    logins.push(login);
  }
  return { logins, password };
}

/** `admin, committee, finance, analyst, mgr01…mgr10` */
export function describeLogins(logins: string[]): string {
  const managers = logins.filter((l) => /^mgr\d+$/.test(l));
  const others = logins.filter((l) => !managers.includes(l));
  return [...others, ...(managers.length > 2 ? [`${managers[0]}…${managers[managers.length - 1]}`] : managers)].join(', ');
}
