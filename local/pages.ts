// Local-only pages of the gateway, never deployed and never in the route table:
//   GET /_local/inbox?to=<address>   the caught mail as JSON, newest first, for programs and tests
//   GET /_local/mail                 the same, as a page a person reads
//   GET /verify-email?token=…        the page a verification link opens
//   GET /reset-password?token=…      the page a reset link opens
// A GET changes nothing: the pages act only when the reader presses the button, which POSTs to
// the API with an inline script (no script or style from anywhere else).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MailCatcher } from './mail-catcher';

export const INBOX_PAGE_PATH = '/_local/mail';

const PATHS = new Set(['/_local/inbox', INBOX_PAGE_PATH, '/verify-email', '/reset-password']);
export const isLocalPagePath = (path: string): boolean => PATHS.has(path);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Inline script and style only; the page talks to this origin alone.
    'content-security-policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
};

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}
article{border-bottom:1px solid #ccc;padding:.5rem 0}label,input,button{display:block;margin:.5rem 0}</style>
</head><body>${body}</body></html>`;

const tokenScript = (path: string, fields: string, done: string) => `<script>
const token = new URLSearchParams(location.search).get('token') || '';
document.querySelector('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.querySelector('#result');
  const response = await fetch('${path}', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, ${fields} }) });
  const answer = response.status === 204 || response.status === 200 ? null : await response.json();
  out.textContent = answer ? (answer.errors || []).map((e) => e.path + ' ' + e.message).join('; ') || answer.detail : '${done}';
});
</script>`;

const VERIFY_PAGE = page(
  'Confirm your email address',
  `<h1>Confirm your email address</h1><form><button type="submit">Confirm my address</button></form>
<p id="result" role="status"></p>${tokenScript('/email-verification/confirm', '', 'Your address is confirmed.')}`,
);

const RESET_PAGE = page(
  'Choose a new password',
  `<h1>Choose a new password</h1><form><label>New password <input id="password" type="password" autocomplete="new-password" required minlength="8"></label>
<button type="submit">Set password</button></form><p id="result" role="status"></p>
${tokenScript('/password-reset/confirm', "password: document.querySelector('#password').value", 'Your password is changed. Log in with it.')}`,
);

const inboxPage = (catcher: MailCatcher) =>
  page(
    'Local mail',
    `<h1>Local mail</h1><p>Every mail the local stack sent, newest first. Reload for new ones.</p>${
      catcher
        .inbox()
        .map(
          (mail) =>
            `<article><p><b>${escapeHtml(mail.subject)}</b><br>to ${escapeHtml(mail.to)} at ${escapeHtml(mail.sent_at)}</p><pre>${escapeHtml(mail.text)}</pre></article>`,
        )
        .join('') || '<p>No mail yet.</p>'
    }`,
  );

export const localPages =
  (catcher: MailCatcher) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const url = new URL(req.url ?? '/', 'http://local');
    switch (url.pathname) {
      case '/_local/inbox': {
        const to = url.searchParams.get('to') ?? undefined;
        send(res, 200, 'application/json', JSON.stringify({ items: catcher.inbox(to) }));
        return true;
      }
      case INBOX_PAGE_PATH:
        send(res, 200, 'text/html; charset=utf-8', inboxPage(catcher));
        return true;
      case '/verify-email':
        send(res, 200, 'text/html; charset=utf-8', VERIFY_PAGE);
        return true;
      case '/reset-password':
        send(res, 200, 'text/html; charset=utf-8', RESET_PAGE);
        return true;
      default:
        return false;
    }
  };
