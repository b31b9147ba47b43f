// Item kinds of the mail flows, their keys and layout:
//   outbox#<uuid>                  a mail to send: kind, to, name, the raw token until sent
//                                  (the mailer blanks it), expires by TTL. The table's stream
//                                  carries new ones to the mailer.
//   mail-token#<hmac>              a mailed token, by its keyed hash only: purpose, user, address, expiry
//   password-reset#<user id>       the user's one current reset token: a new reset voids the older
//   mail-throttle#<kind>#<email>   the last mail of a kind to an address, within the throttle window
//   mail-daily#<scope>#<subject>#<day>  a daily cap's count (mails to an address, an account's
//                                  email changes) for one UTC day; TTL ends it after the day
//   mail-decoy#<hmac>#<n>          what a request that sends nothing writes instead (same count of
//                                  puts, so the answer takes as long); nothing reads them, TTL ends them
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { MailKind, MailToken, OutboxMail, TokenPurpose } from '../../mail/mail';
import type { DailyCounter } from '../../mail/repository';
import type { TransactionPart } from '../transactions';

export const OUTBOX_PREFIX = 'outbox#';
/** Outbox items outlive any retry and DLQ redrive of their stream record; the token in them expires sooner. */
export const OUTBOX_KEEP_SECONDS = 7 * 24 * 3600;

export const outboxKey = (id: string) => ({ id: `${OUTBOX_PREFIX}${id}` });
export const mailTokenKey = (hash: string) => ({ id: `mail-token#${hash}` });
export const resetPointerKey = (userId: string) => ({ id: `password-reset#${userId}` });
export const mailThrottleKey = (kind: MailKind, email: string) => ({ id: `mail-throttle#${kind}#${email}` });

export const outboxItem = (outboxId: string, mail: OutboxMail, createdAt: string, nowEpoch: number) => ({
  ...outboxKey(outboxId),
  kind: mail.kind,
  to: mail.to,
  name: mail.name,
  ...(mail.token === undefined ? {} : { token: mail.token }),
  created_at: createdAt,
  expires_at: nowEpoch + OUTBOX_KEEP_SECONDS,
});

/** An outbox item as the stream's new image carries it, or undefined for any other item. */
export const outboxMailFromImage = (
  image: Record<string, unknown>,
): { readonly id: string; readonly mail: OutboxMail } | undefined => {
  // The key first: other items are none of the mailer's business (the stack's filter keeps them
  // away, the local poller does not), and their images need not unmarshall.
  const key = (image.id as { S?: unknown } | undefined)?.S;
  if (typeof key !== 'string' || !key.startsWith(OUTBOX_PREFIX)) return undefined;
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
  const { kind, to, name, token } = item;
  if (typeof kind !== 'string' || typeof to !== 'string' || typeof name !== 'string') {
    throw new Error(`Outbox item ${item.id} is malformed`);
  }
  return {
    id: item.id,
    mail: { kind: kind as MailKind, to, name, ...(typeof token === 'string' ? { token } : {}) },
  };
};

export const mailTokenItem = (token: MailToken) => ({
  ...mailTokenKey(token.hash),
  purpose: token.purpose,
  user_id: token.userId,
  // Not `email`: only users carry that attribute, so only users are in the email index.
  mailed_to: token.email,
  expires_at: token.expiresAt,
});

export const mailTokenFromItem = (hash: string, item: Record<string, unknown>): MailToken | undefined => {
  const { purpose, user_id, mailed_to: email, expires_at } = item;
  if (typeof user_id !== 'string' || typeof email !== 'string' || typeof expires_at !== 'number')
    return undefined;
  if (purpose !== 'verify-email' && purpose !== 'reset-password') return undefined;
  return { hash, purpose: purpose as TokenPurpose, userId: user_id, email, expiresAt: expires_at };
};

/** The puts that store a new token (and, for a reset, make it the only current one). */
export const newTokenParts = (tableName: string, token: MailToken): TransactionPart[] => [
  { Put: { TableName: tableName, Item: mailTokenItem(token) } },
  ...(token.purpose === 'reset-password'
    ? [
        {
          Put: {
            TableName: tableName,
            Item: { ...resetPointerKey(token.userId), token_hash: token.hash, expires_at: token.expiresAt },
          },
        },
      ]
    : []),
];

/**
 * Spends a token: deleted only if it is still there and unexpired (TTL deletion lags), and for a
 * reset only if it is still the current one. Two confirmations of one token: one fails here.
 */
export const spendTokenParts = (tableName: string, token: MailToken, nowEpoch: number): TransactionPart[] => [
  {
    Delete: {
      TableName: tableName,
      Key: mailTokenKey(token.hash),
      ConditionExpression: 'attribute_exists(id) AND expires_at > :now',
      ExpressionAttributeValues: { ':now': nowEpoch },
    },
  },
  ...(token.purpose === 'reset-password'
    ? [
        {
          Delete: {
            TableName: tableName,
            Key: resetPointerKey(token.userId),
            ConditionExpression: 'token_hash = :hash',
            ExpressionAttributeValues: { ':hash': token.hash },
          },
        },
      ]
    : []),
];

export const outboxParts = (
  tableName: string,
  mails: readonly OutboxMail[],
  newId: () => string,
  at: Date,
): TransactionPart[] =>
  mails.map((mail) => ({
    Put: {
      TableName: tableName,
      Item: outboxItem(newId(), mail, at.toISOString(), Math.floor(at.getTime() / 1000)),
    },
  }));

const DAY_SECONDS = 24 * 3600;

/** Adds one to the day's count only while it is below the cap: the claim is the condition. */
export const dailyCountClaim = (counter: DailyCounter, nowEpoch: number, cap: number) => {
  const day = Math.floor(nowEpoch / DAY_SECONDS);
  return {
    Key: { id: `mail-daily#${counter.scope}#${counter.subject}#${day}` },
    UpdateExpression: 'ADD #count :one SET expires_at = :expires',
    ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':expires': (day + 2) * DAY_SECONDS },
  };
};

/** Claims the throttle slot: succeeds when there is no slot, or only an expired one. */
export const mailThrottleClaim = (
  kind: MailKind,
  email: string,
  nowEpoch: number,
  windowSeconds: number,
) => ({
  Item: { ...mailThrottleKey(kind, email), expires_at: nowEpoch + windowSeconds },
  ConditionExpression: 'attribute_not_exists(id) OR expires_at <= :now',
  ExpressionAttributeValues: { ':now': nowEpoch },
});

/** How many puts issuing a token of this purpose writes: token, outbox, audit event (+ reset pointer). */
export const issuedPartCount = (purpose: TokenPurpose): number => (purpose === 'reset-password' ? 4 : 3);

/** Lives past the request only long enough for DynamoDB's TTL to collect it. */
const DECOY_SECONDS = 60;

/** The puts of a request that sends nothing: as many as a real issue, of items nothing reads. */
export const decoyParts = (
  tableName: string,
  hash: string,
  count: number,
  nowEpoch: number,
): Record<string, TransactionPart> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, n) => [
      `decoy${n}`,
      {
        Put: {
          TableName: tableName,
          Item: { id: `mail-decoy#${hash}#${n}`, expires_at: nowEpoch + DECOY_SECONDS },
        },
      },
    ]),
  );
