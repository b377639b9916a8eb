# syntax=docker/dockerfile:1
# One image for every process of the platform. Compose and Kubernetes choose the command:
#   server:        start --no-agents            (webhooks, the ticket API, the web pages)
#   agent workers: agents run --port 3000 [ids]  (scaled out; /healthz and /metrics on 3000)
#   one-offs:      db migrate, db backup, support keys create acme, ...
# Node 24 runs the TypeScript sources as they are (type stripping), exactly as `npm start`
# does on a checkout, so there is no build step and no second copy of the code to drift.
# The tag is pinned: a rebuild gets the same Node and Debian until someone moves it.
ARG NODE_IMAGE=node:24.22.3-trixie-slim

# Production dependencies only (none has an install script; --ignore-scripts keeps it so).
# They include vitest and the @types the Factory's gate typechecks a generated agent
# (its code and its test) against, in this image as in a checkout.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# pg_dump and pg_restore for `wow db backup` / `wow db restore` and the scheduled backups
# (trixie's client is PostgreSQL 17, as the Compose database); tini reaps the processes
# the platform spawns (pg_dump, WowVision's tool runs) and forwards SIGTERM for the drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The code is root's and read-only to the process; only DATA_DIR and /backups are writable.
COPY . .
# A volume mounted on /backups (Compose: BACKUP_DIR) starts out owned as this folder is.
RUN mkdir -p /data /backups && chown node:node /data /backups
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  DATA_DIR=/data
USER node
EXPOSE 3000
# The same check for both commands: the server and `agents run --port $PORT` answer /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "cli/wow.js"]
CMD ["start", "--no-agents"]
