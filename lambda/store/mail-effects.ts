// What a user write carries for mail (MailEffects), as named transaction parts: a spent token,
// newly mailed tokens, and outbox items.
import type { MailEffects } from '../mail/repository';
import type { Clock, IdSource } from '../shared/clock';
import { newTokenParts, outboxParts, spendTokenParts } from './items/mail-items';
import type { TransactionPart } from './transactions';

const named = (prefix: string, parts: TransactionPart[]) =>
  Object.fromEntries(parts.map((part, index) => [`${prefix}${index}`, part]));

export const mailEffectParts = (
  tableName: string,
  effects: MailEffects,
  newId: IdSource,
  clock: Clock,
): Record<string, TransactionPart> => {
  const [spentToken, spentPointer] = effects.spendToken
    ? spendTokenParts(tableName, effects.spendToken.token, effects.spendToken.nowEpoch)
    : [];
  return {
    ...(spentToken ? { spentToken } : {}),
    ...(spentPointer ? { spentPointer } : {}),
    ...named(
      'token',
      (effects.newTokens ?? []).flatMap((token) => newTokenParts(tableName, token)),
    ),
    ...named('mail', outboxParts(tableName, effects.mails ?? [], newId, clock())),
  };
};
