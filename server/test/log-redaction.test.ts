import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../src/logger.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { createApiKey, registerOwner } from './helpers/users.ts';

let t: TestContext;
let logs = '';
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  // The production logger options at the most verbose level, so every line the app could write is seen.
  t = await createTestApp({}, { logger: pino(loggerOptions('trace'), sink) });
});
afterAll(() => t?.close());

describe('logs', () => {
  it('never contain a password, token or API key', async () => {
    const owner = await registerOwner(t.app);
    const key = await createApiKey(t.app, owner, ['sites:read']);
    await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: { authorization: `Bearer ${key}` } });
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    const invitation = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: owner.headers,
      payload: { email: 'guest@example.com', role: 'viewer' },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: owner.email, password: owner.password },
    });
    // A provider key, saved and tested (the test fails: the name does not resolve).
    const providerKey = 'sk-provider-secret-in-logs-test-4321';
    const credential = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: owner.headers,
      payload: { provider: 'openai_compatible', apiKey: providerKey, baseUrl: 'https://provider.invalid/v1' },
    });
    const tested = await t.app.inject({
      method: 'POST',
      url: `/api/v1/ai/credentials/${credential.json().data.id}/test`,
      headers: owner.headers,
    });
    expect(tested.json().data.ok).toBe(false);
    // A failing request logs more (the error); its credential must not leak either.
    await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: { authorization: `Bearer ${key}x` } });

    expect(logs.length).toBeGreaterThan(1000);
    const secrets = [
      owner.password,
      owner.accessToken,
      owner.refreshToken,
      refreshed.json().data.refreshToken,
      refreshed.json().data.accessToken,
      key,
      key.split('_')[2]!,
      invitation.json().data.token,
      providerKey,
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).toContain('"reqId"');
  });
});
