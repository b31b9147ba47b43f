// What the mail use cases are given (each takes the part it needs).
import type { Clock, IdSource } from '../shared/clock';
import type { PasswordHasher } from '../shared/passwords';
import type { MailTokenKeys } from './mail-tokens';
import type { MailingUserRepository, MailRepository } from './repository';

export interface MailDependencies {
  readonly repository: MailingUserRepository;
  readonly mail: MailRepository;
  readonly mailTokens: MailTokenKeys;
  readonly passwords: PasswordHasher;
  readonly clock: Clock;
  readonly newId: IdSource;
}
