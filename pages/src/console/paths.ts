// Where each console page lives, under the console's base path.
export const CONSOLE_BASE = '/console';

export const consolePaths = {
  signIn: CONSOLE_BASE,
  users: `${CONSOLE_BASE}/users`,
  newUser: `${CONSOLE_BASE}/users/new`,
  user: (id: string) => `${CONSOLE_BASE}/users/${encodeURIComponent(id)}`,
  events: `${CONSOLE_BASE}/events`,
} as const;
