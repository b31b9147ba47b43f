// Who the client is, for rate limits, the failed-login back-off and the audit trail. By default
// the socket's peer: a header is the client's to write, so it is never believed on its own. Behind
// N proxies that each append the address they received from (HAProxy's `option forwardfor`, most
// cloud load balancers), the Nth address from the right of X-Forwarded-For is the first one no
// client could forge.
import { isIP } from 'node:net';

const unmapped = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * `forwardedFor` is every X-Forwarded-For header in order (a list when sent more than once).
 * With hops > 0 and fewer addresses than hops, the leftmost one is the furthest known; a value
 * that is not an IP address falls back to the peer.
 */
export const clientAddress = (
  peer: string | undefined,
  forwardedFor: readonly string[] | undefined,
  trustedHops: number,
): string => {
  const socketAddress = unmapped(peer ?? '127.0.0.1');
  if (trustedHops === 0 || !forwardedFor || forwardedFor.length === 0) return socketAddress;
  const chain = forwardedFor
    .flatMap((header) => header.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const picked = chain[Math.max(0, chain.length - trustedHops)];
  return picked && isIP(unmapped(picked)) ? unmapped(picked) : socketAddress;
};
