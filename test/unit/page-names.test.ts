// SPEC's accessible names for the pages' main controls, word for word: people and outside tests
// find the controls by these. The browser suites drive the pages through strings.ts, so this pins
// strings.ts to SPEC (a rename there would pass every browser test and break every outside one).
import { strings } from '../../pages/src/strings';

const SPEC_NAMES = {
  fields: ['Email', 'Password', 'Current password', 'New password', 'Name', 'Code', 'Recovery code'],
  buttons: [
    'Sign in',
    'Sign up',
    'Continue',
    'Send reset link',
    'Set password',
    'Confirm my address',
    'Save',
    'Sign out',
    'Sign out everywhere',
    'Turn on two-step verification',
    'Verify',
    'Disable user',
    'Enable user',
    'Revoke',
    'Delete my account',
  ],
} as const;

it.each(Object.entries(SPEC_NAMES))('the pages’ %s carry SPEC’s accessible names', (kind, names) => {
  expect(Object.values(strings[kind as keyof typeof SPEC_NAMES])).toEqual(expect.arrayContaining([...names]));
});
