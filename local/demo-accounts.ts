// The two accounts that the sample events in events/ act as. `npm run invoke` creates them, and
// the events test holds every protected event to one of them.

/** Their ids appear in the events' paths and authorizer contexts. */
export const DEMO_ACCOUNTS = {
  user: {
    id: '5b0d3e0c-8c1f-4b9e-9a57-2f6f3f1f6a01',
    email: 'ada@example.com',
    name: 'Ada',
    password: 'correct horse battery',
  },
  admin: {
    id: '9e3a6c1d-2b7f-4d48-8c0e-6a1b2c3d4e5f',
    email: 'admin@example.com',
    name: 'Administrator',
    password: 'change me, admin!',
  },
} as const;
