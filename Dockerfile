# syntax=docker/dockerfile:1
# Jobdeck's images, one target per app, sharing the dependency layers. Build context: the repo root.
#   docker build --target api .      the API (also the one-shot `migrate` service of docker-compose.yml)
#   docker build --target worker .   the Temporal worker
#   docker build --target web .      the dashboard: built with Vite, served by nginx, which also proxies the API

# ---------------------------------------------------------------- deps: every workspace's dependencies
FROM node:20-bookworm-slim AS deps

ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1

WORKDIR /app

# Dependencies first, so that they are cached until a manifest or the lockfile changes.
# Every workspace's package.json is needed, or `npm ci` finds the lockfile out of sync.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/db/package.json packages/db/
COPY packages/workflows/package.json packages/workflows/
# Install scripts stay off, as the root package.json's "allowScripts" has them locally; everything
# needed works without them (esbuild, swc and rolldown ship their binaries as platform packages, which
# the worker's workflow bundler and Vite use; Temporal's core-bridge ships prebuilt binaries).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit
COPY tsconfig.base.json ./

# ---------------------------------------------------------------- server: what the API and the worker share
FROM deps AS server

# Prisma's schema engine (used by `prisma migrate deploy`) links against libssl, which the slim Debian
# image no longer ships; without it Prisma also mis-detects the platform when it generates the client.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Generate the Prisma client (git-ignored, so never copied in). `prisma generate` also downloads the
# schema engine for this platform into node_modules/@prisma/engines, which `prisma migrate deploy`
# (the migrate service) then uses; the listing fails the build if it did not come down with it.
COPY packages/db/prisma.config.ts packages/db/
COPY packages/db/prisma packages/db/prisma
WORKDIR /app/packages/db
RUN npx prisma generate && ls /app/node_modules/@prisma/engines/schema-engine-*
WORKDIR /app

# Sources. tsx runs the TypeScript directly: there is no build step (the worker bundles the workflow
# code itself when it starts). Node runs it through tsx's loader, as PID 1's only child (compose adds
# tini with `init: true`), so SIGTERM reaches the app itself. Not `npx tsx`: npm exits on SIGTERM at
# once without waiting for its child, which would cut a graceful shutdown short.
COPY packages ./packages
CMD ["node", "--import", "tsx", "src/main.ts"]

# ---------------------------------------------------------------- api
FROM server AS api
COPY apps/api ./apps/api
# Export files the worker writes are served from here (the same volume as the worker's).
RUN mkdir -p /data/storage && chown node:node /data/storage
ENV JOBDECK_STORAGE_DIR=/data/storage
USER node
WORKDIR /app/apps/api
EXPOSE 4000

# ---------------------------------------------------------------- worker
FROM server AS worker
COPY apps/worker ./apps/worker
# Job files live here (JOBDECK_STORAGE_DIR). Created owned by `node` so that a named volume mounted on
# it starts out writable by the worker.
RUN mkdir -p /data/storage && chown node:node /data/storage
ENV JOBDECK_STORAGE_DIR=/data/storage
USER node
WORKDIR /app/apps/worker

# ---------------------------------------------------------------- web: the dashboard's build
FROM deps AS web-build
# The dashboard takes the API's client links (apps/api/src/client.ts) and the shared vocabulary and
# input merge of @jobdeck/workflows; only types from the rest of the API, which Vite erases, so the
# Prisma client is not needed here. Nothing of this stage but the built files reaches the image.
COPY apps/api/src/client.ts ./apps/api/src/client.ts
COPY packages/workflows ./packages/workflows
COPY apps/web ./apps/web
RUN npm run build -w @jobdeck/web

# ---------------------------------------------------------------- web
# Unprivileged nginx: master and workers run as uid 101, listening on 8080, so a flaw in nginx does not
# hand out root in the container.
FROM nginxinc/nginx-unprivileged:1.27-alpine AS web
COPY apps/web/nginx.conf /etc/nginx/conf.d/default.conf
COPY apps/web/nginx-security-headers.conf /etc/nginx/snippets/jobdeck-security-headers.conf
COPY --from=web-build /app/apps/web/dist /usr/share/nginx/html
EXPOSE 8080
