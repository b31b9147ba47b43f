// Mail that cannot be aimed at a stranger, black-box over HTTP: alternating email changes, sign-up
// and delete cycles and requests right after a sign-up all take the address's slot (one mail of
// each kind per 60 s) and its daily cap (10), and an account mails at most 5 email changes a day;
// the answers do not change. And a mail to an address not proven to be the user's carries no text
// the sign-up chose. The injected clock crosses the windows; the local stack's inbox shows the mail.
import { createTestClock } from '../support/clock';
import { ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';

const clock = createTestClock('2026-11-28T00:00:10.000Z');
const api = testStackForThisFile({ over: 'http', admin: ADMIN, clock: clock.now });

interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

const inbox = async (to: string): Promise<Mail[]> => {
  const response = await fetch(`${api.url}/_local/inbox?to=${encodeURIComponent(to)}`);
  return ((await response.json()) as { items: Mail[] }).items;
};

/**
 * The mails `to` has once the mailer is done: `at least` of them arrive within 5 s, and the count
 * then holds for a further 500 ms (the in-process mailer sends at once).
 */
const settledInbox = async (to: string, atLeast: number): Promise<Mail[]> => {
  const deadline = Date.now() + 5_000;
  while ((await inbox(to)).length < atLeast && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return inbox(to);
};

describe('mail bombing through email changes', () => {
  it('bursts of ten concurrent alternating changes put at most one mail of each kind into either inbox', async () => {
    const attacker = await api.signUp('bomber');
    const [a, b] = [uniqueEmail('stranger-a'), uniqueEmail('stranger-b')];

    // Three bursts of ten, within the same minute: every one that lands moves the address.
    const answers = [];
    for (let burst = 0; burst < 3; burst++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            api.changeUser(attacker, attacker.id, {
              email: i % 2 === 0 ? a : b,
              current_password: attacker.password,
            }),
          ),
        )),
      );
    }

    expect(answers.every((answer) => answer.status < 500)).toBe(true);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    for (const stranger of [a, b]) {
      const mails = await settledInbox(stranger, 1);
      const kinds = mails.map((mail) => (/Confirm your email/.test(mail.subject) ? 'verify' : 'notice'));
      expect(kinds.filter((kind) => kind === 'verify').length).toBeLessThanOrEqual(1);
      expect(kinds.filter((kind) => kind === 'notice').length).toBeLessThanOrEqual(1);
    }
  });

  it('mails at most 5 email changes of one account a day, however far apart', async () => {
    const attacker = await api.signUp('daily');
    const targets = Array.from({ length: 7 }, (_, i) => uniqueEmail(`target-${i}`));
    for (const email of targets) {
      clock.advance(61);
      const changed = await api.changeUser(attacker, attacker.id, {
        email,
        current_password: attacker.password,
      });
      expect(changed.status).toBe(200);
    }
    const mailed = [];
    for (const email of targets) mailed.push((await settledInbox(email, 0)).length);
    // Each target got the verification of its change (and the next change's notice) while the cap lasted.
    expect(mailed.slice(0, 5).every((count) => count >= 1)).toBe(true);
    expect(mailed.slice(5)).toEqual([0, 0]);
  });
});

describe('the address slot and daily cap, for sign-ups too', () => {
  it('a verification request right after sign-up sends nothing more; one 60 s later does (the injected clock)', async () => {
    const email = uniqueEmail('slot');
    await api.signUp({ email });
    expect(await settledInbox(email, 1)).toHaveLength(1);

    expect((await api.call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    clock.advance(59);
    expect((await api.call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    expect(await settledInbox(email, 1)).toHaveLength(1);

    clock.advance(2);
    expect((await api.call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    expect(await settledInbox(email, 2)).toHaveLength(2);
  });

  it('sign-up and delete cycles on one address: one mail per 60 s, at most 10 a day', async () => {
    const email = uniqueEmail('cycled');
    const quick = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      const account = await api.signUp({ email });
      quick.push(account);
      expect((await api.call('DELETE', `/users/${account.id}`, { token: account.token })).status).toBe(204);
    }
    expect(await settledInbox(email, 1)).toHaveLength(1);

    for (let cycle = 0; cycle < 12; cycle++) {
      clock.advance(61);
      const account = await api.signUp({ email });
      expect((await api.call('DELETE', `/users/${account.id}`, { token: account.token })).status).toBe(204);
    }
    // Still the same UTC day: 10 in all, the first cycle's included.
    expect(await settledInbox(email, 10)).toHaveLength(10);
  });
});

describe('attacker text in the service mail', () => {
  const LURE = 'URGENT call +1-555-0100 or visit https://evil.example/verify';

  it("greets a victim's address, not yet proven to be the user's, without the name the attacker chose", async () => {
    const attacker = await api.signUp({ name: LURE });
    const victim = uniqueEmail('victim');

    clock.advance(61);
    const changed = await api.changeUser(attacker, attacker.id, {
      email: victim,
      current_password: attacker.password,
    });

    expect(changed.status).toBe(200);
    const [mail] = await settledInbox(victim, 1);
    expect(mail?.text.startsWith('Hello,\n')).toBe(true);
    expect(mail?.text).not.toContain('evil.example');
    expect(mail?.text).not.toContain('555-0100');
  });

  it('shows a proven address its name as plain text, and never a link-like one', async () => {
    // Sign-up holds a name to 100 characters; the mail shows it whole, as text.
    const long = 'Bartholomew '.repeat(8).trim();
    const named = await api.signUp({ name: long });
    const linky = await api.signUp({ name: 'visit evil.example now' });
    // Verifying proves the mailbox; then a reset mail may greet by name.
    clock.advance(61);
    for (const account of [named, linky]) {
      const [verification] = await settledInbox(account.email, 1);
      const token = verification?.text.match(/verify-email\?token=([\w-]+)/)?.[1] ?? '';
      expect((await api.call('POST', '/email-verification/confirm', { json: { token } })).status).toBe(200);
      expect((await api.call('POST', '/password-reset', { json: { email: account.email } })).status).toBe(
        202,
      );
    }

    const [toNamed] = (await settledInbox(named.email, 2)).filter((mail) => /Reset/.test(mail.subject));
    const [toLinky] = (await settledInbox(linky.email, 2)).filter((mail) => /Reset/.test(mail.subject));
    expect(toNamed?.text.split('\n')[0]).toBe(`Hello ${long},`);
    expect(toLinky?.text.split('\n')[0]).toBe('Hello,');
  });
});
