// The client address rate limits and the back-off count by: the socket's peer unless the operator
// says how many proxies append to X-Forwarded-For, and then never an address a client could write.
import { clientAddress } from '../../server/client-address';

describe('client address', () => {
  it('is the socket’s peer by default, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.5', ['203.0.113.9'], 0)).toBe('10.0.0.5');
  });

  it('drops the IPv4-mapped IPv6 prefix of a peer', () => {
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('behind one proxy, is the last address it appended, not one the client sent before it', () => {
    expect(clientAddress('10.0.0.2', ['1.1.1.1, 203.0.113.9'], 1)).toBe('203.0.113.9');
  });

  it('behind two proxies, is the second from the right, across repeated headers', () => {
    expect(clientAddress('10.0.0.2', ['6.6.6.6, 203.0.113.9', '10.0.0.1'], 2)).toBe('203.0.113.9');
  });

  it('is the furthest address known when the chain is shorter than the hops', () => {
    expect(clientAddress('10.0.0.2', ['203.0.113.9'], 3)).toBe('203.0.113.9');
  });

  it('is the peer when there is no header, or the picked entry is not an address', () => {
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', ['unknown'], 1)).toBe('10.0.0.2');
  });

  it('accepts IPv6 entries', () => {
    expect(clientAddress('10.0.0.2', ['2001:db8::1'], 1)).toBe('2001:db8::1');
  });
});
