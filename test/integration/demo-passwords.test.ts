/**
 * `kam serve --demo` gives the demo company's logins one fresh password (seeds/demo/passwords.ts): they
 * can sign in with it, a user created by hand keeps its own, and production never gets one.
 */
import { systemContext } from '../../src/common/context';
import { ErrorCode } from '../../src/common/errors';
import { Role } from '../../src/common/enums';
import { DEMO_LOGINS } from '../../seeds/demo/generator';
import { describeLogins, setDemoPasswords } from '../../seeds/demo/passwords';
import { createServices } from '../../src/services';
import { describeEachDb } from '../support/db';

describeEachDb('demo passwords', (t) => {
  const ctx = systemContext('test');

  it('sets one password for the demo logins only, and they sign in with it', async () => {
    const s = t().services;
    for (const [login, role] of [['admin', Role.ADMIN], ['mgr01', Role.MANAGER], ['mgr02', Role.MANAGER], ['mgr03', Role.MANAGER], ['zhang', Role.ANALYST]] as const) {
      await s.org.createUser(ctx, { login, name: login, role });
    }
    const zhang = (await s.org.findUserByLogin(ctx, 'zhang'))!;
    await s.auth.setPassword(ctx, zhang.id, 'zhang-own-password');

    const signIn = await setDemoPasswords(s);
    expect(signIn.logins).toEqual(['admin', 'mgr01', 'mgr02', 'mgr03']);
    expect(signIn.password).toMatch(/^demo-[A-Za-z0-9_-]{8}$/);
    expect(describeLogins(signIn.logins)).toBe('admin, mgr01…mgr03');
    for (const login of signIn.logins) expect((await s.auth.login(ctx, login, signIn.password)).user.login).toBe(login);
    await expect(s.auth.login(ctx, 'zhang', signIn.password)).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    expect((await s.auth.login(ctx, 'zhang', 'zhang-own-password')).user.login).toBe('zhang');

    // A new start, a new password: the old one stops working.
    const next = await setDemoPasswords(s);
    expect(next.password).not.toBe(signIn.password);
    await expect(s.auth.login(ctx, 'admin', signIn.password)).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });

  it('is refused in production', async () => {
    const production = createServices(t().ds, { ...t().config, env: 'production' });
    await expect(setDemoPasswords(production)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('names every login the demo company has', () => {
    expect(DEMO_LOGINS).toEqual(['admin', 'committee', 'finance', 'analyst', 'mgr01', 'mgr02', 'mgr03', 'mgr04', 'mgr05', 'mgr06', 'mgr07', 'mgr08', 'mgr09', 'mgr10']);
  });
});
