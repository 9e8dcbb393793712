import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/lib/encryption.ts';

describe('SecretBox', () => {
  it('round-trips, never repeats a ciphertext, and detects tampering', () => {
    const box = new SecretBox(SecretBox.generateSpec('k1'));
    const a = box.encrypt('app password 1234');
    expect(a).not.toContain('app password');
    expect(box.encrypt('app password 1234')).not.toBe(a);
    expect(box.decrypt(a)).toBe('app password 1234');
    const parts = a.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.decrypt(parts.join('.'))).toThrow();
  });

  it('rotates: the new key encrypts, old keys still decrypt', () => {
    const old = SecretBox.generateSpec('k1');
    const sealed = new SecretBox(old).encrypt('secret');
    const rotated = new SecretBox(`${SecretBox.generateSpec('k2')},${old}`);
    expect(rotated.decrypt(sealed)).toBe('secret');
    expect(rotated.needsRotation(sealed)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('secret'))).toBe(false);
    expect(() => new SecretBox(SecretBox.generateSpec('k3')).decrypt(sealed)).toThrow(/key id "k1"/);
  });

  it('refuses malformed key specs', () => {
    expect(() => new SecretBox('k1:short')).toThrow(/32 bytes/);
    expect(() => new SecretBox('')).toThrow(/at least one key/);
  });
});
