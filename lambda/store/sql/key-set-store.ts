// The signing key set in the SQL store, for every replica: one row, sealed (AES-256-GCM) under
// KEY_ENCRYPTION_KEY, bound to its purpose so no other sealed value can stand in for it. The
// first replica to start makes the set; the others, racing it, keep the one that won.

import { ConfigurationError } from '../../shared/env';
import { createSealedBox } from '../../shared/sealed-box';
import { type KeySet, parseKeySet } from '../../tokens/key-set';
import { type KeySetStore, newKeySet } from '../../tokens/rotation';
import type { SqlDatabase } from './database';

const CONTEXT = 'user-api/signing-key-set';

export interface SqlKeySetStore extends KeySetStore {
  /** The stored set, or a new one stored now if there is none (one winner among racing replicas). */
  ensure(now: Date): Promise<KeySet>;
}

export const sqlKeySetStore = (db: SqlDatabase, keyEncryptionKey: Uint8Array): SqlKeySetStore => {
  const box = createSealedBox(keyEncryptionKey);
  const seal = (set: KeySet) => box.seal(Buffer.from(JSON.stringify(set), 'utf8'), CONTEXT);
  const read = async (): Promise<KeySet | undefined> => {
    const { rows } = await db.query<{ sealed: string }>('SELECT sealed FROM signing_key_set WHERE id = 1');
    const sealed = rows[0]?.sealed;
    if (sealed === undefined) return undefined;
    const opened = box.open(sealed, CONTEXT);
    if (!opened)
      throw new ConfigurationError(
        'KEY_ENCRYPTION_KEY does not open the signing keys in the store: it is not the key they were sealed with',
      );
    return parseKeySet(opened.toString('utf8'));
  };
  return {
    read,
    async write(set) {
      // Public and private halves travel in one row: a replica never sees one without the other.
      await db.query(
        `INSERT INTO signing_key_set (id, sealed, updated_at) VALUES (1, $1, now())
         ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
        [seal(set)],
      );
    },
    async ensure(now) {
      await db.query(
        'INSERT INTO signing_key_set (id, sealed, updated_at) VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING',
        [seal(await newKeySet(now))],
      );
      const set = await read();
      if (!set) throw new Error('The signing key set vanished right after it was stored');
      return set;
    },
  };
};
