// The port the sessions domain needs from storage. store/session-repository.ts implements it on
// DynamoDB; nothing else does (tests run the real one against DynamoDB Local).
import type { WriteOptions } from '../audit/event';
import type { RecordLoginOptions, UserRepository } from '../users/repository';
import type { StoredUser } from '../users/user';
import type { Session, SessionSummary } from './session';

export interface Rotation {
  /** The hash the stored session must still have: the condition that makes one rotation win. */
  readonly fromHash: string;
  readonly toHash: string;
  readonly at: string;
}

export interface SessionRepository {
  /** Throws when a session with that id exists (ids are random: it never does). */
  create(session: Session): Promise<void>;
  /** Strongly consistent read. */
  get(id: string): Promise<Session | undefined>;
  /**
   * A session and a user, both strongly consistent, in one request (every protected call makes
   * it): what a caller's token claims to be, as stored now. Either may be missing.
   */
  getWithUser(
    sessionId: string,
    userId: string,
  ): Promise<{ readonly session: Session | undefined; readonly user: StoredUser | undefined }>;
  /**
   * Moves the session to `toHash` if it still holds `fromHash`: true when this call rotated it,
   * false when another rotation (or the session's end) came first.
   */
  rotate(id: string, rotation: Rotation): Promise<boolean>;
  /** Ends one session, with the events that record it in the same transaction. Idempotent. */
  delete(id: string, options?: WriteOptions): Promise<void>;
  /**
   * The user's sessions, newest first, as the sessions index has them: eventually consistent,
   * and possibly including sessions that have ended since (the caller checks each one).
   */
  listByUser(userId: string): Promise<readonly SessionSummary[]>;
  /**
   * Ends every session of the user at once by bumping the user's tokenVersion (false when the
   * user is gone): one conditional write, however many sessions there are.
   */
  endAllOf(userId: string, options?: WriteOptions): Promise<boolean>;
  /** Removes the session items of a user (clean-up only: TTL would remove them too). */
  deleteAllOf(userId: string): Promise<void>;
}

/** The user store as a login needs it: recording the login also opens its session, in one transaction. */
export interface UserSessionRepository extends UserRepository {
  recordLogin(
    user: StoredUser,
    at: string,
    options?: RecordLoginOptions & { readonly session?: Session },
  ): Promise<StoredUser | undefined>;
}
