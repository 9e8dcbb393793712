import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { SecretBox } from '../../server/src/lib/encryption.ts';
import { rememberSecret } from './secrets.ts';
import { stack } from './stack.ts';

/**
 * Reads the secrets each side stored during the handshake (decrypting the server's with the run's key), so the log
 * check can prove none of them was ever written to a log.
 */
export async function rememberKeyMaterial(): Promise<void> {
  const s = stack();
  const url = new URL(s.adminDatabaseUrl);
  url.pathname = `/${s.database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const { rows } = await client.query<{ publisherPasswordEnc: string; serverPrivateKeyEnc: string }>(
    // Disconnected rows hold no key material any more.
    'SELECT "publisherPasswordEnc", "serverPrivateKeyEnc" FROM "SiteConnection" WHERE "serverPrivateKeyEnc" IS NOT NULL',
  );
  await client.end();
  const box = new SecretBox(s.encryptionKeys);
  for (const row of rows) {
    rememberSecret('publisher application password', box.decrypt(row.publisherPasswordEnc));
    rememberSecret('server private key', box.decrypt(row.serverPrivateKeyEnc));
  }
  const option = execFileSync(
    'mariadb',
    [
      '--no-defaults',
      `--socket=${s.wp.db.socket}`,
      `--user=${s.wp.db.user}`,
      `--password=${s.wp.db.password}`,
      '--batch',
      '--skip-column-names',
      s.wp.db.name,
      '-e',
      "SELECT option_value FROM wp_options WHERE option_name = 'igny8_site_private_key'",
    ],
    { encoding: 'utf8' },
  );
  for (const key of option.match(/[A-Za-z0-9_-]{43}/g) ?? []) rememberSecret('site private key', key);
}

/** Credits for the account, written to the ledger directly until the operator grant route exists. */
export async function grantCredits(accountId: string, amount: number): Promise<void> {
  const s = stack();
  const url = new URL(s.adminDatabaseUrl);
  url.pathname = `/${s.database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(
    `INSERT INTO "CreditLedgerEntry" (id, "accountId", kind, amount, note) VALUES (gen_random_uuid(), $1, 'grant', $2, 'e2e')`,
    [accountId, amount],
  );
  await client.end();
}
