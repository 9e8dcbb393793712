import { rememberSecret } from './secrets.ts';
import { stack } from './stack.ts';

/** The IGNY8 API as an operator's script would call it: state is set up through the API, not the UI. */
export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; data: T; body: any }> {
  const res = await fetch(`${stack().serverUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as any;
  return { status: res.status, data: json.data, body: json };
}

export async function registerAccount(name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  const res = await api('POST', '/auth/register', { email, password, name, accountName: `${name} Media` });
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  rememberSecret('account password', password);
  rememberSecret('access token', res.data.tokens.accessToken);
  rememberSecret('refresh token', res.data.tokens.refreshToken);
  return {
    email,
    password,
    token: res.data.tokens.accessToken as string,
    accountName: `${name} Media`,
    accountId: res.data.session.account.id as string,
  };
}

/** Signs in through the API as an operator's script would (for a user made through the web app). */
export async function loginAccount(email: string, password: string) {
  const res = await api('POST', '/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  rememberSecret('access token', res.data.tokens.accessToken);
  if (res.data.tokens.refreshToken) rememberSecret('refresh token', res.data.tokens.refreshToken);
  return {
    email,
    password,
    token: res.data.tokens.accessToken as string,
    accountName: res.data.session.account.name as string,
    accountId: res.data.session.account.id as string,
  };
}

export async function createConnectionKey(token: string): Promise<string> {
  const res = await api('POST', '/connection-keys', undefined, token);
  if (res.status !== 201) throw new Error(`connection key failed: ${JSON.stringify(res.body)}`);
  rememberSecret('connection key', res.data.key);
  return res.data.key;
}
