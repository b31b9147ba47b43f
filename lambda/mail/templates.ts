// Every mail the service sends, in one place: plain text and a simple HTML part, with the product
// name and APP_URL from configuration. Links open a page that acts only on the reader's POST, so
// a link scanner's GET spends nothing.
import type { OutboxMail } from './mail';
import { MAIL_NAME_MAX_CHARACTERS } from './mail-caps';

export interface MailSettings {
  readonly productName: string;
  /** Where the verify-email and reset-password pages are served, without a trailing slash. */
  readonly appUrl: string;
}

export interface RenderedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Whatever a mail reader could open as a link: a scheme, `www.`, an address, a domain name. */
const LINK_LIKE = /[a-z][a-z0-9+.-]*:|www\.|@|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu;

/**
 * A name as a mail shows it: plain text on one line, at most MAIL_NAME_MAX_CHARACTERS characters,
 * and none at all when it reads like a link or an address, which a reader could take for ours.
 */
export const shownName = (name: string): string => {
  const plain = Array.from(name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim())
    .slice(0, MAIL_NAME_MAX_CHARACTERS)
    .join('')
    .trim();
  return LINK_LIKE.test(plain) ? '' : plain;
};

const linkOf = (settings: MailSettings, page: string, token: string | undefined): string => {
  if (!token) throw new Error(`A ${page} mail needs a token`);
  return `${settings.appUrl}/${page}?token=${encodeURIComponent(token)}`;
};

interface Parts {
  readonly subject: string;
  readonly lines: readonly string[];
  readonly link?: { readonly label: string; readonly url: string };
}

const partsOf = (mail: OutboxMail, settings: MailSettings): Parts => {
  const product = settings.productName;
  switch (mail.kind) {
    case 'verify-email':
      return {
        subject: `Confirm your email address for ${product}`,
        lines: [
          `Please confirm that ${mail.to} is your address by opening the link below.`,
          'The link works once, for 24 hours. If you did not sign up or change your address, ignore this mail.',
        ],
        link: { label: 'Confirm my address', url: linkOf(settings, 'verify-email', mail.token) },
      };
    case 'reset-password':
      return {
        subject: `Reset your ${product} password`,
        lines: [
          'Someone (we hope you) asked to reset your password. Open the link below to choose a new one.',
          'The link works once, for 1 hour. If you did not ask, ignore this mail: your password stays as it is.',
        ],
        link: { label: 'Choose a new password', url: linkOf(settings, 'reset-password', mail.token) },
      };
    case 'email-changed':
      return {
        subject: `Your ${product} email address was changed`,
        lines: [
          `The email address of your ${product} account was changed from ${mail.to} to another address.`,
          'If you did not do this, reset your password and contact support at once.',
        ],
      };
    case 'password-changed':
      return {
        subject: `Your ${product} password was changed`,
        lines: [
          `The password of your ${product} account was just changed, and every session was signed out.`,
          'If you did not do this, reset your password at once.',
        ],
      };
    case 'mfa-enabled':
      return {
        subject: `Two-step verification was turned on for your ${product} account`,
        lines: [
          `Two-step verification was just turned on for your ${product} account, and every other session was signed out.`,
          'If you did not do this, reset your password at once and contact support.',
        ],
      };
  }
};

export const renderMail = (mail: OutboxMail, settings: MailSettings): RenderedMail => {
  const { subject, lines, link } = partsOf(mail, settings);
  const name = shownName(mail.name);
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const text = [
    greeting,
    '',
    ...lines,
    ...(link ? ['', link.url] : []),
    '',
    `— ${settings.productName}`,
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    `<p>— ${escapeHtml(settings.productName)}</p>`,
    '</body></html>',
  ].join('\n');
  return { to: mail.to, subject, text, html };
};
