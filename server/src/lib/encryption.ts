import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets we must be able to read back (a site's publishing password, our per-site signing keys,
 * later provider API keys). Each ciphertext names its key id, so keys can be rotated: the first key encrypts,
 * every listed key decrypts. Format: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export class SecretBox {
  readonly #keys: Map<string, Buffer>;
  readonly #current: string;

  /** `spec`: "kid:base64key,kid2:base64key" with the current key first; each key 32 bytes. */
  constructor(spec: string) {
    const entries = spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [kid, material] = part.split(':');
        const key = Buffer.from(material ?? '', 'base64');
        if (!kid || !/^[A-Za-z0-9_-]{1,32}$/.test(kid) || key.length !== 32) {
          throw new Error('ENCRYPTION_KEYS: each entry must be "<key id>:<32 bytes in base64>"');
        }
        return [kid, key] as const;
      });
    if (!entries.length) throw new Error('ENCRYPTION_KEYS: at least one key is required');
    this.#keys = new Map(entries);
    this.#current = entries[0]![0];
  }

  static generateSpec(kid = 'k1'): string {
    return `${kid}:${randomBytes(32).toString('base64')}`;
  }

  get currentKeyId(): string {
    return this.#current;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.#current)!, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.#current, iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, kid, iv, tag, ciphertext] = sealed.split('.');
    const key = kid ? this.#keys.get(kid) : undefined;
    if (version !== 'v1' || !key || !iv || !tag || ciphertext === undefined) {
      throw new Error(`Cannot decrypt: unknown format or key id "${kid ?? ''}" (is it still in ENCRYPTION_KEYS?)`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed with an older key and should be re-encrypted. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.#current;
  }
}
