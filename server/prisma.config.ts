import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const here = path.dirname(fileURLToPath(import.meta.url));

// Prisma's CLI downloads a native schema engine on every command, which fails on offline machines. `generate`
// does not need it; migrations are created and applied by our own scripts (scripts/migrate.ts,
// scripts/create-migration.ts) with the WASM engine. Point the CLI at a script that explains this loudly
// rather than one that silently "succeeds".
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(here, 'scripts', 'no-native-schema-engine.sh');

export default defineConfig({
  schema: path.join(here, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(here, 'prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/igny8' },
});
