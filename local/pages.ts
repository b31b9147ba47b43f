// Local-only pages of the gateway, never deployed and never in the route table:
//   GET /_local/inbox?to=<address>   the caught mail as JSON, newest first, for programs and tests
//   GET /_local/mail                 the same, as a page a person reads
// The pages mailed links open are the account pages (/account/verify-email, /account/reset-password),
// which every target serves.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CaughtMail, Mailbox } from './mail-catcher';

export const INBOX_PAGE_PATH = '/_local/mail';

const PATHS = new Set(['/_local/inbox', INBOX_PAGE_PATH]);
export const isLocalPagePath = (path: string): boolean => PATHS.has(path);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // No script at all; the one inline style sheet.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
};

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}
article{border-bottom:1px solid #ccc;padding:.5rem 0}</style>
</head><body>${body}</body></html>`;

const inboxPage = (mails: readonly CaughtMail[]) =>
  page(
    'Local mail',
    `<h1>Local mail</h1><p>Every mail the local stack sent, newest first. Reload for new ones.</p>${
      mails
        .map(
          (mail) =>
            `<article><p><b>${escapeHtml(mail.subject)}</b><br>to ${escapeHtml(mail.to)} at ${escapeHtml(mail.sent_at)}</p><pre>${escapeHtml(mail.text)}</pre></article>`,
        )
        .join('') || '<p>No mail yet.</p>'
    }`,
  );

/** Answers the local pages (true), or leaves the request to the next handler (false). */
export const localPages =
  (mailbox: Mailbox) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const url = new URL(req.url ?? '/', 'http://local');
    const answer = (render: (mails: readonly CaughtMail[]) => [type: string, body: string], to?: string) => {
      mailbox.list(to).then(
        (mails) => send(res, 200, ...render(mails)),
        () => send(res, 503, 'text/plain; charset=utf-8', 'The shared inbox is not answering; try again.'),
      );
      return true;
    };
    switch (url.pathname) {
      case '/_local/inbox':
        return answer(
          (items) => ['application/json', JSON.stringify({ items })],
          url.searchParams.get('to') ?? undefined,
        );
      case INBOX_PAGE_PATH:
        return answer((mails) => ['text/html; charset=utf-8', inboxPage(mails)]);
      default:
        return false;
    }
  };
