// The embedded store's KEY_ENCRYPTION_KEY when none is given: 32 random bytes made on the first
// start and kept beside the database (mode 0600), so a restart opens what the last run sealed.
// Elsewhere the key comes from the environment (a Kubernetes Secret), never from the database.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../lambda/shared/env';

export const KEY_FILE = 'key-encryption-key';

export const keptKeyEncryptionKey = (dataDir: string): Buffer => {
  const file = join(dataDir, KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new ConfigurationError(`DATA_DIR holds a ${KEY_FILE} that is not 32 bytes of base64: restore it`);
  return key;
};
