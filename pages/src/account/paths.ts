// Where each account page lives, under the app's base path.
export const BASE = '/account';

export const paths = {
  signIn: `${BASE}/`,
  signUp: `${BASE}/sign-up`,
  forgot: `${BASE}/forgot-password`,
  verifyEmail: `${BASE}/verify-email`,
  resetPassword: `${BASE}/reset-password`,
  profile: `${BASE}/profile`,
  sessions: `${BASE}/sessions`,
  twoStep: `${BASE}/two-step`,
  deleteAccount: `${BASE}/delete`,
} as const;
