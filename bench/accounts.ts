// The bench's accounts: logged in over HTTP, with the tokens and credentials the phases use.
export interface Account {
  readonly id: string;
  readonly refreshToken: string;
  readonly email: string;
  readonly password: string;
  readonly authorization: string;
}

export const call = async (url: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
};

export const login = (base: string, email: string, password: string) =>
  call(`${base}/login`, { method: 'POST', body: JSON.stringify({ email, password }) });

export const account = async (base: string, email: string, password: string): Promise<Account> => {
  const { token, user, refresh_token } = (await login(base, email, password)) as {
    token: string;
    refresh_token: string;
    user: { id: string };
  };
  return { id: user.id, refreshToken: refresh_token, email, password, authorization: `Bearer ${token}` };
};

export const strongPassword = () =>
  `Bench-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64url')}`;
