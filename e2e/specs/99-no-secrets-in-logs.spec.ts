import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { rememberedSecrets } from '../support/secrets.ts';
import { stack } from '../support/stack.ts';

/** Runs last: every log written during the run is searched for every secret the run created or used. */
test('no secret, key or password appears in any log', async () => {
  const s = stack();
  const secrets = [
    ...rememberedSecrets(),
    ...Object.entries(s.wp.users).map(([who, u]) => ({ label: `${who} password`, value: u.password })),
    { label: 'encryption key', value: s.encryptionKeys.split(':')[1]! },
  ];
  expect(secrets.length).toBeGreaterThan(5);
  // Key material both sides hold after the handshake was captured by the connection spec.
  expect(secrets.map((x) => x.label)).toEqual(
    expect.arrayContaining([
      'publisher application password',
      'server private key',
      'site private key',
      'connection key',
    ]),
  );
  const logs = s.logFiles.filter((f) => existsSync(f));
  expect(logs).toContain(s.serverLog);
  const serverLog = readFileSync(s.serverLog, 'utf8');
  expect(serverLog).toContain('/api/v1/connect/register');

  for (const file of logs) {
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) {
      expect(text.includes(secret.value), `${secret.label} found in ${file}`).toBe(false);
    }
  }
});
