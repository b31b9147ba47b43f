// What the flows that join two domains are given (each takes the part it needs, Pick): every
// domain's dependencies, with the user store as all of them need it at once.
import type { MailDependencies } from '../mail/dependencies';
import type { MailingUserRepository } from '../mail/repository';
import type { MfaDependencies } from '../mfa/dependencies';
import type { SessionsDependencies } from '../sessions/dependencies';
import type { UserSessionRepository } from '../sessions/repository';
import type { UsersDependencies } from '../users/dependencies';

/** The user store that records a login with its session and writes a user with its mail. */
export type AccountRepository = UserSessionRepository & MailingUserRepository;

export interface AccountDependencies
  extends Omit<UsersDependencies, 'repository'>,
    Omit<SessionsDependencies, 'repository'>,
    Omit<MfaDependencies, 'repository'>,
    Omit<MailDependencies, 'repository'> {
  readonly repository: AccountRepository;
  /**
   * Step-up: a sensitive action without `current_password` needs a session that signed in at most
   * this long ago, with every factor the account has (REAUTH_MAX_AGE_SECONDS, default 300).
   */
  readonly reauthMaxAgeSeconds: number;
}
