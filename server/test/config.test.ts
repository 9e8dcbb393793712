import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('starts with no configuration at all (embedded database, development)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', NODE_ENV: 'development', IGNY8_ROLE: 'all' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('names every bad variable in one readable message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid configuration:/);
    for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL']) expect(message).toContain(`${name}:`);
    expect(message).toContain('must start with postgres:// or postgresql://');
  });

  it('treats empty strings as unset and parses lists and booleans', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DOCS_ENABLED: 'false',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.DOCS_ENABLED).toBe(false);
  });

  it('takes SMTP_URL as an smtp(s) URL and SESSION_ALLOWED_ORIGINS as a list of origins', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://u:p@mail.example:587' }).SMTP_URL).toBe('smtp://u:p@mail.example:587');
    expect(() => loadConfig({ SMTP_URL: 'mail.example:587' })).toThrow('SMTP_URL: must look like smtp://');
    expect(
      loadConfig({ SESSION_ALLOWED_ORIGINS: 'http://localhost:5173, https://app.example/' }).SESSION_ALLOWED_ORIGINS,
    ).toEqual(['http://localhost:5173', 'https://app.example']);
    expect(() => loadConfig({ SESSION_ALLOWED_ORIGINS: 'https://app.example/path' })).toThrow(
      'SESSION_ALLOWED_ORIGINS: must be origins like https://app.example.com, not https://app.example/path',
    );
  });

  it('takes TRUST_PROXY as a yes/no or as the proxies’ addresses and CIDRs', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.local' })).toThrow(
      'TRUST_PROXY: must be true, false or addresses/CIDRs, not proxy.local',
    );
  });
});
