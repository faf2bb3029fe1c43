/**
 * Development without KAM_DATA_KEYS: a random data key is generated once and kept in a file beside
 * the SQLite database (for MySQL, in the user's state folder, named after the server and database),
 * readable by its owner only — anchored to the database, never to the folder `kam` runs in, so a
 * command run from another folder finds the same key instead of making a second one. The development database
 * then stays readable across restarts, and its personal data is not encrypted with a key anyone can
 * read in this source. The public {@link DEVELOPMENT_KEY} stays in the ring, decrypt-only, for what
 * earlier versions wrote with it (`kam keys rotate` moves those rows to the generated key).
 * Production never gets here: it refuses to start without KAM_DATA_KEYS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../config';
import { DEVELOPMENT_KEY, KeyRing, generateDataKeyLine, parseDataKeys } from '../../common/field-crypto';

const KEY_ID = 'local';

/** Where the generated key of a development database lives; null for an in-memory database. */
export function developmentKeyFile(db: DatabaseConfig): string | null {
  if (db.kind === 'sqlite') return db.path === ':memory:' ? null : `${db.path}.data-key`;
  return path.join(stateDir(), `${db.host}-${db.port}-${db.database}.data-key`.replace(/[^A-Za-z0-9_.$-]/g, '_'));
}

/** `~/.local/state/kam-hub` (the XDG state folder). */
export function stateDir(home = os.homedir()): string {
  return path.join(home, '.local', 'state', 'kam-hub');
}

/** The key line in `file`, generated (mode 0600) when the file does not exist yet. */
function loadOrCreate(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${generateDataKeyLine(KEY_ID)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** The development key ring of `db`: the public key (decrypt only), then the generated one, which encrypts. */
export function developmentKeyRing(db: DatabaseConfig): KeyRing {
  const file = developmentKeyFile(db);
  const generated = file ? parseDataKeys(loadOrCreate(file)) : parseDataKeys(generateDataKeyLine(KEY_ID));
  return new KeyRing([DEVELOPMENT_KEY, ...generated], true, file);
}
