// What the mail use cases are given (each takes the part it needs).
import type { Clock, IdSource } from '../shared/clock';
import type { PasswordHasher } from '../shared/passwords';
import type { UserRepository } from '../users/repository';
import type { MailTokenKeys } from './mail-tokens';
import type { MailRepository } from './repository';

export interface MailDependencies {
  readonly repository: UserRepository;
  readonly mail: MailRepository;
  readonly mailTokens: MailTokenKeys;
  readonly passwords: PasswordHasher;
  readonly clock: Clock;
  readonly newId: IdSource;
}
