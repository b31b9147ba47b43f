// What the second-factor use cases are given; each takes only the part it needs (Pick).
import type { UsersDependencies } from '../users/dependencies';
import type { MfaKeys } from './mfa-keys';
import type { MfaRepository } from './repository';

export interface MfaDependencies
  extends Pick<UsersDependencies, 'repository' | 'audit' | 'passwords' | 'tokens' | 'clock' | 'newId'> {
  readonly mfa: MfaRepository;
  readonly mfaKeys: MfaKeys;
  /** The issuer an authenticator app shows beside the account (MFA_ISSUER, default "User API"). */
  readonly mfaIssuer: string;
}
