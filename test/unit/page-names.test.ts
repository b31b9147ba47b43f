// SPEC's accessible names for the pages' main controls, word for word: people and outside tests
// find the controls by these. The browser suites drive the pages through strings.ts, so this pins
// strings.ts to SPEC (a rename there would pass every browser test and break every outside one).
import { strings } from '../../pages/src/strings';

describe('the pages’ accessible names are SPEC’s', () => {
  it('fields', () => {
    expect(Object.values(strings.fields)).toEqual(
      expect.arrayContaining([
        'Email',
        'Password',
        'Current password',
        'New password',
        'Name',
        'Code',
        'Recovery code',
      ]),
    );
  });

  it('buttons', () => {
    expect(Object.values(strings.buttons)).toEqual(
      expect.arrayContaining([
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
      ]),
    );
  });
});
