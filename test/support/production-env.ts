import { generateDataKeyLine } from '../../src/common/field-crypto';

/**
 * An environment NODE_ENV=production accepts: a strong token secret, explicit proxy settings and a data
 * key. Tests of one production refusal start from it and take out or spoil one variable, so each test
 * fails for the reason it names and not for another requirement added later.
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = Object.freeze({
  NODE_ENV: 'production',
  KAM_TOKEN_SECRET: 'Zq8#vT2!mW9@kL4$pR7%xN1^sD6&hY3*bJ5(cF0)',
  KAM_TRUST_PROXY: 'loopback',
  KAM_DATA_KEYS: generateDataKeyLine('prodtest'),
});
