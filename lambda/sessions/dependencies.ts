// What the sessions use cases are given; each takes only the part it needs (Pick).
import type { Clock, IdSource } from '../shared/clock';
import type { TokenService } from '../tokens/issuer';
import type { RefreshTokens } from './refresh-tokens';
import type { SessionRepository, UserSessionRepository } from './repository';

export interface SessionsDependencies {
  readonly sessions: SessionRepository;
  readonly refreshTokens: RefreshTokens;
  /** How long a session lives from its login (SESSION_TTL_SECONDS). */
  readonly sessionTtlSeconds: number;
  readonly repository: UserSessionRepository;
  readonly tokens: TokenService;
  readonly clock: Clock;
  readonly newId: IdSource;
}
