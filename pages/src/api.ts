// The pages' one client of the API. The access token lives in this module's memory only; the
// refresh token in sessionStorage (it survives a reload of this tab, never another tab, never a
// cookie); a known device's token in localStorage (not a credential: SPEC, "Known devices").
// The access token is refreshed a minute before it expires and after a reload; a 401 on an
// authenticated call ends the session here too and hands the reader back to sign-in.
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'user' | 'admin';
  readonly status: string;
  readonly email_verified: boolean;
  readonly mfa_enabled: boolean;
  readonly last_login: string | null;
  readonly created_at: string;
}

export interface LoginAnswer {
  readonly token: string;
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly user: User;
  readonly device_token?: string;
}

export interface MfaChallenge {
  readonly mfa_required: true;
  readonly mfa_token: string;
}

/** An answer of the API that is not a success: its status, and its problem when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly retryAfter: string | null = null,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

/** fetch() itself failed: no answer at all. */
export class NetworkError extends Error {}

const REFRESH_KEY = 'refresh_token';
const DEVICE_KEY = (email: string) => `device_token:${email.trim().toLowerCase()}`;
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_SECONDS = 60;

interface Session {
  readonly token: string;
  readonly user: User;
}

let session: Session | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
let onSessionLost: (() => void) | undefined;

const notify = () => {
  for (const listener of listeners) listener();
};

/** Called whenever the signed-in user changes (sign in, sign out, a refresh, an edit). */
export const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const currentUser = (): User | undefined => session?.user;

/** What happens when the API says the session is over (a 401): the app goes back to sign-in. */
export const whenSessionLost = (handler: () => void): void => {
  onSessionLost = handler;
};

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && typeof (value as Problem).type === 'string';

interface CallOptions {
  readonly body?: unknown;
  /** Send the access token (default true); a 401 then ends the session. */
  readonly auth?: boolean;
}

const send = async (method: string, path: string, options: CallOptions): Promise<unknown> => {
  const auth = options.auth ?? true;
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (auth && session) headers.authorization = `Bearer ${session.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new NetworkError();
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed;
  if (response.status === 401 && auth && session) {
    end();
    onSessionLost?.();
  }
  throw new ApiError(
    response.status,
    isProblem(parsed) ? parsed : undefined,
    response.headers.get('retry-after'),
  );
};

/** A call of the API as the signed-in user (or anonymously with `auth: false`). */
export const call = <T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> =>
  send(method, path, options) as Promise<T>;

const end = () => {
  session = undefined;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH_KEY);
  notify();
};

const scheduleRefresh = (expiresIn: number) => {
  clearTimeout(refreshTimer);
  const seconds = Math.max(5, expiresIn - REFRESH_MARGIN_SECONDS);
  refreshTimer = setTimeout(() => {
    refresh().catch(() => undefined);
  }, seconds * 1000);
};

const start = (answer: LoginAnswer, email: string) => {
  session = { token: answer.token, user: answer.user };
  sessionStorage.setItem(REFRESH_KEY, answer.refresh_token);
  // Only when the API gave one: a body field the API does not know is refused.
  if (answer.device_token) localStorage.setItem(DEVICE_KEY(email), answer.device_token);
  scheduleRefresh(answer.expires_in);
  notify();
};

/** Trades the stored refresh token for a new access token; false when there is none or it is refused. */
export const refresh = async (): Promise<boolean> => {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return false;
  try {
    const answer = await call<LoginAnswer>('POST', '/refresh', {
      body: { refresh_token: refreshToken },
      auth: false,
    });
    start(answer, answer.user.email);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      const hadSession = session !== undefined;
      end();
      if (hadSession) onSessionLost?.();
    }
    return false;
  }
};

/** The password step: a session, or the second-factor challenge. */
export const login = async (email: string, password: string): Promise<MfaChallenge | undefined> => {
  const deviceToken = localStorage.getItem(DEVICE_KEY(email));
  const answer = await call<LoginAnswer | MfaChallenge>('POST', '/login', {
    body: { email, password, ...(deviceToken && { device_token: deviceToken }) },
    auth: false,
  });
  if ('mfa_required' in answer) return answer;
  start(answer, email);
  return undefined;
};

/** The second-factor step, with a code or a recovery code. */
export const loginWithSecondFactor = async (
  email: string,
  mfaToken: string,
  proof: { code: string } | { recovery_code: string },
): Promise<void> => {
  const answer = await call<LoginAnswer>('POST', '/login/mfa', {
    body: { mfa_token: mfaToken, ...proof },
    auth: false,
  });
  start(answer, email);
};

/** Keeps the user the pages show in step with an answer of the API. */
export const updateUser = (user: User): void => {
  if (!session) return;
  session = { ...session, user };
  notify();
};

/** Ends the session on the API (POST /logout), then here, whatever the API said. */
export const signOut = async (): Promise<void> => {
  try {
    if (session) await call('POST', '/logout');
  } catch {
    // Already ended, or unreachable: either way nothing of it stays in this tab.
  } finally {
    end();
  }
};

/** Forgets the session here only: the API has ended it already (a password change, a deletion). */
export const forget = (): void => end();

export const isStepUpRequired = (error: unknown): boolean =>
  error instanceof ApiError &&
  error.status === 403 &&
  (error.problem?.type.endsWith('reauthentication-required') ?? false);
