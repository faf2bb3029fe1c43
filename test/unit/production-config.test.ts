/**
 * What NODE_ENV=production refuses, and how secrets stay out of output: `kam config` shows whether a
 * secret is set, never its value; the logger redacts credentials and URL passwords.
 */
import { ConfigError, describeConfig, loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { PRODUCTION_ENV } from '../support/production-env';

const SECRET = 'Zq8#vT2!mW9@kL4$pR7%xN1^sD6&hY3*bJ5(cF0)';
const PROD = { ...PRODUCTION_ENV, KAM_TOKEN_SECRET: SECRET };

describe('production configuration', () => {
  it('starts with a real secret and explicit proxy settings', () => {
    const c = loadConfig(PROD);
    expect(c.env).toBe('production');
    expect(c.trustProxy).toEqual(['loopback']);
    expect(c.corsOrigins).toEqual([]);
  });

  it.each([
    [{ ...PROD, KAM_TOKEN_SECRET: 'change-me-change-me-change-me-change-me' }, /KAM_TOKEN_SECRET looks like a placeholder/],
    [{ ...PROD, KAM_TOKEN_SECRET: 'x'.repeat(48) }, /KAM_TOKEN_SECRET looks like a placeholder/],
    [{ ...PROD, KAM_TOKEN_SECRET: 'abababababababababababababababab' }, /KAM_TOKEN_SECRET looks like a placeholder/],
    [{ ...PROD, KAM_TOKEN_SECRET: 'example-token-secret-for-the-readme-only' }, /KAM_TOKEN_SECRET looks like a placeholder/],
    [{ ...PROD, KAM_TRUST_PROXY: undefined }, /KAM_TRUST_PROXY is required when NODE_ENV=production/],
    [{ ...PROD, KAM_TRUST_PROXY: 'true' }, /KAM_TRUST_PROXY=true believes X-Forwarded-For from anyone/],
    [{ ...PROD, KAM_TRUST_PROXY: 'my-proxy' }, /KAM_TRUST_PROXY: "my-proxy" is not an address/],
    [{ ...PROD, KAM_TRUST_PROXY: '10.0.0.0/33' }, /KAM_TRUST_PROXY: "10.0.0.0\/33"/],
    [{ ...PROD, KAM_CORS_ORIGINS: '*' }, /KAM_CORS_ORIGINS=\* is refused/],
    [{ ...PROD, KAM_CORS_ORIGINS: 'https://bi.example.com/dashboards' }, /KAM_CORS_ORIGINS: "https:\/\/bi.example.com\/dashboards" is not an origin/],
    [{ ...PROD, KAM_TEST_IMPORT_PAUSE_AT_BATCH: '1' }, /KAM_TEST_IMPORT_PAUSE_AT_BATCH is a test hook/],
    [{ KAM_TEST_IMPORT_PAUSE_AT_BATCH: '1' }, /KAM_TEST_IMPORT_PAUSE_AT_BATCH is a test hook/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the proxy setting as a hop count, addresses and subnets, or false', () => {
    expect(loadConfig({ ...PROD, KAM_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...PROD, KAM_TRUST_PROXY: 'none' }).trustProxy).toBe(false);
    expect(loadConfig({ ...PROD, KAM_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...PROD, KAM_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    // Development: unset means no proxy; `true` is allowed there.
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ KAM_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', KAM_TEST_IMPORT_PAUSE_AT_BATCH: '3' }).testImportPauseAtBatch).toBe(3);
    expect(loadConfig({ ...PROD, KAM_CORS_ORIGINS: 'https://bi.example.com/, http://localhost:3000' }).corsOrigins).toEqual(['https://bi.example.com', 'http://localhost:3000']);
  });
});

describe('secrets stay out of output', () => {
  it('kam config shows that a secret is set, never its value, and hides URL passwords', () => {
    const shown = describeConfig({ ...PROD, KAM_DATA_KEYS: 'k1:c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3ODkwMTIzNDU=', KAM_DATABASE_URL: 'mysql://kam:Pa55word@db:3306/kam' });
    const text = JSON.stringify(shown);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('Pa55word');
    const value = (name: string) => shown.find((v) => v.name === name)?.value;
    expect(value('KAM_TOKEN_SECRET')).toBe('(set)');
    expect(value('KAM_DATA_KEYS')).toBe('(set)');
    expect(value('KAM_DATABASE_URL')).toBe('mysql://kam:***@db:3306/kam');
    expect(value('KAM_TRUST_PROXY')).toBe('loopback');
    expect(describeConfig({}).find((v) => v.name === 'KAM_TOKEN_SECRET')?.value).toBe('');
  });

  it('the logger redacts credentials, secret-named fields and URL passwords, in messages, fields and errors', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    const apiKey = 'kam_lGTQrVCB7tSJQo4CkCcNyHJNcl4cDmFYaCs9uc4K9b4';
    const token = 'kamt_eyJzdWIiOjF9.c2lnbmF0dXJl';
    log.info(`connecting to mysql://root:hunter2@db:3306/kam with ${apiKey}`);
    log.warn('request', { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, password: 'hunter3', tokenSecret: SECRET, requestId: 'r-1' });
    log.error('failed', { error: new Error(`bad key ${apiKey}`), detail: [`token ${token}`] });
    const all = lines.join('\n');
    for (const secret of ['hunter2', 'hunter3', SECRET, apiKey, token, 'lGTQrVCB7tSJ', 'c2lnbmF0dXJl']) expect(all).not.toContain(secret);
    expect(all).toContain('"requestId":"r-1"');
    expect(all).toContain('application/json');
    expect(all).toContain('mysql://root:***@db:3306/kam');
    expect(all).toContain('kam_[redacted]');
  });
});
