/** Field encryption primitives: key parsing, sealing bound to row and field, and the production rule. */
import { ConfigError, loadConfig } from '../../src/config';
import { DEVELOPMENT_KEY, KeyRing, generateDataKeyLine, keyIdOf, keyRingFor, parseDataKeys } from '../../src/common/field-crypto';

const K1 = generateDataKeyLine('k1');
const K2 = generateDataKeyLine('k2');

describe('field encryption', () => {
  it('seals with the newest key, a fresh IV each time, and opens with any configured key', () => {
    const old = new KeyRing(parseDataKeys(K1));
    const ring = new KeyRing(parseDataKeys(`${K1},${K2}`));
    const a = ring.seal('13812341234', 'contacts|u1|mobile');
    const b = ring.seal('13812341234', 'contacts|u1|mobile');
    expect(a).not.toBe(b);
    expect(keyIdOf(a)).toBe('k2');
    expect(a).not.toContain('13812341234');
    expect(ring.open(a, 'contacts|u1|mobile', 'x')).toBe('13812341234');
    const fromOld = old.seal('家庭住址', 'contacts|u1|homeAddress');
    expect(ring.open(fromOld, 'contacts|u1|homeAddress', 'x')).toBe('家庭住址');
    // The old ring cannot read what the new key wrote.
    expect(() => old.open(a, 'contacts|u1|mobile', 'contact 1 mobile')).toThrow(expect.objectContaining({ code: 'DATA_KEY_UNKNOWN', message: expect.stringContaining('"k2"') }));
  });

  it('refuses another row, another field, or an altered value with DATA_INTEGRITY', () => {
    const ring = new KeyRing(parseDataKeys(K1));
    const v = ring.seal('网球', 'contacts|u1|hobbies');
    expect(() => ring.open(v, 'contacts|u2|hobbies', 'c')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
    expect(() => ring.open(v, 'contacts|u1|familyInfo', 'c')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
    const parts = v.split(':');
    const ct = Buffer.from(parts[5], 'base64url');
    ct[0] ^= 1;
    expect(() => ring.open([...parts.slice(0, 5), ct.toString('base64url')].join(':'), 'contacts|u1|hobbies', 'c')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
    expect(() => ring.open('enc:v1:k1:garbage', 'contacts|u1|hobbies', 'c')).toThrow(expect.objectContaining({ code: 'DATA_INTEGRITY' }));
  });

  it('keyed lookup hashes: one per key, newest first; stable for a value', () => {
    const ring = new KeyRing(parseDataKeys(`${K1},${K2}`));
    const [newest, older] = ring.lookupHashes('13812341234');
    expect(ring.lookupHash('13812341234')).toBe(newest);
    expect(new KeyRing(parseDataKeys(K1)).lookupHash('13812341234')).toBe(older);
    expect(newest).not.toBe(older);
  });

  it.each([
    ['nocolon', /expected id:base64key/],
    ['k1:c2hvcnQ=', /expected 32 bytes/],
    [`${K1},${K1}`, /appears twice/],
    ['bad id!:' + Buffer.alloc(32).toString('base64'), /expected id:base64key/],
  ])('rejects the key list %s', (raw, message) => {
    expect(() => parseDataKeys(raw)).toThrow(message);
    expect(() => loadConfig({ KAM_DATA_KEYS: raw })).toThrow(ConfigError);
  });

  it('production requires KAM_DATA_KEYS; development falls back to the public development key and says so', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', KAM_TOKEN_SECRET: 's'.repeat(40) })).toThrow(/KAM_DATA_KEYS is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', KAM_TOKEN_SECRET: 's'.repeat(40), KAM_DATA_KEYS: K1 }).dataKeys).toBe(K1);
    const devLine = `dev:${DEVELOPMENT_KEY.key.toString('base64')}`;
    expect(() => loadConfig({ NODE_ENV: 'production', KAM_TOKEN_SECRET: 's'.repeat(40), KAM_DATA_KEYS: `${devLine},${K1}` })).toThrow(/public development key/);
    expect(loadConfig({ KAM_DATA_KEYS: `${devLine},${K1}` }).dataKeys).toBe(`${devLine},${K1}`);
    const dev = keyRingFor(undefined);
    expect(dev.development).toBe(true);
    expect(dev.activeKeyId).toBe(DEVELOPMENT_KEY.id);
    expect(keyRingFor(K1).development).toBe(false);
  });
});
