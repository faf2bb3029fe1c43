import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config';

describe('configuration', () => {
  it('has working defaults: embedded SQLite on port 4000', () => {
    const c = loadConfig({});
    expect(c.database.kind).toBe('sqlite');
    expect(c.database.kind === 'sqlite' && c.database.path.endsWith('data/kam.sqlite')).toBe(true);
    expect(c.port).toBe(4000);
    expect(c.env).toBe('development');
    expect(c.maxPageSize).toBe(500);
    expect(c.importMaxBytes).toBe(100 * 1024 * 1024);
  });

  it('parses MySQL URLs with credentials', () => {
    const db = parseDatabaseUrl('mysql://kam:s%40cret@db.example.com:3307/kam_prod');
    expect(db).toMatchObject({ kind: 'mysql', host: 'db.example.com', port: 3307, user: 'kam', password: 's@cret', database: 'kam_prod' });
  });

  it.each([
    [{ KAM_PORT: 'abc' }, /KAM_PORT must be an integer/],
    [{ KAM_PORT: '70000' }, /KAM_PORT must be an integer between 0 and 65535/],
    [{ KAM_DATABASE_URL: 'postgres://x/y' }, /must start with sqlite: or mysql:\/\//],
    [{ KAM_DATABASE_URL: 'mysql://root@localhost:3306' }, /must name a database/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ NODE_ENV: 'production' }, /KAM_TOKEN_SECRET is required/],
    [{ NODE_ENV: 'production', KAM_TOKEN_SECRET: 's'.repeat(40) }, /KAM_DATA_KEYS is required/],
    [{ KAM_IMPORT_MAX_BYTES: 'lots' }, /KAM_IMPORT_MAX_BYTES must be a size/],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
