// What the users use cases are given. Each use case takes only the part it needs (Pick), so a
// caller such as `npm run create-admin` builds no more than that.

import type { AuditRepository } from '../audit/repository';
import type { Clock, IdSource } from '../shared/clock';
import type { CursorSealer } from '../shared/cursor';
import type { PasswordHasher } from '../shared/passwords';
import type { TokenService } from '../tokens/issuer';
import type { KnownDevices } from './known-devices';
import type { LoginAttempts } from './login-attempts';
import type { UserRepository } from './repository';

export interface UsersDependencies {
  readonly repository: UserRepository;
  /** Failed-login counting: claimed before each password or code is compared. */
  readonly attempts: LoginAttempts;
  /** Devices a user signed in from: their own back-off (known-devices.ts). */
  readonly devices: KnownDevices;
  readonly audit: AuditRepository;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly cursors: CursorSealer;
  readonly clock: Clock;
  readonly newId: IdSource;
}
