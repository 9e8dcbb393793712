# syntax=docker/dockerfile:1
#
# IGNY8 server image: the Fastify API and the pg-boss worker, run from TypeScript sources with tsx.
# One image serves every role; docker-compose.yml picks it with the command:
#   npm start            API + worker in one process (the default)
#   npm run api          API only
#   npm run worker       worker only (needs DATABASE_URL)
#   npm run db:migrate   apply pending migrations and exit
#
# Why `npm ci --ignore-scripts` plus an explicit `prisma generate`:
#   The root postinstall runs `prisma generate`, which needs server/prisma/schema.prisma and
#   server/prisma.config.ts. Copying those before `npm ci` would tie the slow dependency layer to every schema
#   edit. Instead dependencies are installed with --ignore-scripts (a layer that changes only with the package
#   manifests and the lockfile) and the client is generated in a later step, once the schema is copied.
#   --ignore-scripts also skips @prisma/engines' postinstall, which downloads a native engine this project never
#   uses (migrations run through our own SQL runner); esbuild (used by tsx) works without its postinstall because
#   npm installs its platform binary as an optional dependency.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
# build: every dependency (the Prisma CLI included) to generate the Prisma client.
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY server/web/package.json server/web/
COPY wp-plugin/package.json wp-plugin/
COPY e2e/package.json e2e/
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY tsconfig.base.json ./
COPY server/prisma.config.ts server/
COPY server/prisma/schema.prisma server/prisma/
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at this stub, and the CLI refuses to start when it is missing.
COPY server/scripts/no-native-schema-engine.sh server/scripts/
# Writes server/src/generated/prisma (TypeScript, run by tsx like the rest of the sources).
RUN npm run generate -w @igny8/server
# The web app (served at /app): bundled here with its dev dependencies; the runtime only copies dist/.
COPY shared/ shared/
COPY server/web/ server/web/
RUN npm run build -w server/web

# ---------------------------------------------------------------------------------------------------------------
# runtime: production dependencies, the sources and the generated client, run as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

# HOST: the server's default (127.0.0.1) is unreachable from outside a container.
# DATA_DIR: the embedded database (used only when DATABASE_URL is unset) and the development JWT secret.
# NPM_CONFIG_SCRIPT_SHELL: npm runs scripts with `sh -c`, and dash stays in between as a parent that dies on
#   SIGTERM without passing it on, so `docker stop` would orphan the server and never shut it down gracefully.
#   `bash -c` execs a script's single command instead, so the signal reaches npm -> tsx -> the server.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    NPM_CONFIG_SCRIPT_SHELL=/bin/bash \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY server/web/package.json server/web/
COPY wp-plugin/package.json wp-plugin/
COPY e2e/package.json e2e/
# Scripts skipped for the same reasons as above; the generated client is copied from the build stage instead.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY tsconfig.base.json ./
COPY shared/ shared/
COPY server/ server/
COPY --from=build /app/server/src/generated/ server/src/generated/
COPY --from=build /app/server/web/dist/ server/web/dist/

# Owned by `node`, so a volume mounted here starts out writable.
RUN mkdir -p /data && chown node:node /data

USER node
EXPOSE 3000

CMD ["npm", "start"]
