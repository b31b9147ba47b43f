// What the server needs from a store, whichever it is: the app built on it, whether it answers,
// the sender of its outbox, and a clean close. server/dynamodb-store.ts is the first; the SQL
// stores (embedded PGlite, PostgreSQL) come next.

import type { MailSettings } from '../lambda/mail/templates';
import type { MailSender } from '../lambda/mailer/create-mailer';
import type { RouterSettings } from '../lambda/router/dependencies';
import type { Clock } from '../lambda/shared/clock';
import type { Logger } from '../lambda/shared/logger';
import type { PasswordHasher } from '../lambda/shared/passwords';
import type { KeySetStore } from '../lambda/tokens/rotation';
import type { LocalApp } from '../local/app';

export interface StoreContext {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly passwords: PasswordHasher;
  readonly dataDir: string;
  readonly settings: Omit<RouterSettings, 'tableName'>;
}

export interface OpenedStore {
  readonly app: LocalApp;
  /** Where this store keeps its signing key set. */
  readonly keys: KeySetStore;
  /** The store answers and its schema is current. */
  ready(): Promise<boolean>;
  /** Starts sending the outbox through `sender`; the returned function stops it. */
  startMail(sender: MailSender, settings: MailSettings): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
