import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ZCreateSiteBody,
  ZErrorEnvelope,
  ZLoginBody,
  ZRegisterBody,
  ZUpdateSiteBody,
} from '../src/index.ts';

describe('the shared contract', () => {
  it('normalizes emails and refuses unknown fields', () => {
    expect(ZLoginBody.parse({ email: ' Ada@Example.COM ', password: 'x' }).email).toBe('ada@example.com');
    const extra = ZRegisterBody.safeParse({
      email: 'a@b.co',
      password: 'long enough!',
      name: 'A',
      accountName: 'B',
      role: 'owner',
    });
    expect(extra.success).toBe(false);
  });

  it('checks time zones and language tags, with defaults', () => {
    expect(ZCreateSiteBody.parse({ name: 'S', url: 'https://s.example' })).toMatchObject({
      language: 'en',
      timezone: 'UTC',
    });
    expect(ZCreateSiteBody.safeParse({ name: 'S', url: 'https://s.example', timezone: 'Europe/Nowhere' }).success).toBe(
      false,
    );
    expect(ZCreateSiteBody.safeParse({ name: 'S', url: 'https://s.example', language: 'pt-BR' }).success).toBe(true);
    expect(ZCreateSiteBody.safeParse({ name: 'S', url: 'javascript:alert(1)' }).success).toBe(false);
  });

  it('refuses an update that changes nothing', () => {
    expect(ZUpdateSiteBody.safeParse({}).success).toBe(false);
  });

  it('gives every error code an HTTP status and accepts it in the error envelope', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(ZErrorEnvelope.safeParse({ success: false, error: 'x', code, requestId: 'r' }).success).toBe(true);
    }
    expect(ZErrorEnvelope.safeParse({ success: false, error: 'x', code: 'MADE_UP', requestId: 'r' }).success).toBe(
      false,
    );
  });
});
