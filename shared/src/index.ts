export * from './errors.ts';
export * from './envelope.ts';
export * from './auth.ts';
export * from './tenancy.ts';
export * from './jobs.ts';
export * from './system.ts';
export * from './signing.ts';
export * from './connection.ts';
