# The API as a container image (DESIGN §3): build with the npm scripts CI runs, run the
# compiled app with production dependencies only, as the unprivileged `node` user.
#
#   docker build -t personal-access-tokens .
#   docker run -p 127.0.0.1:3000:3000 -v pat-data:/data personal-access-tokens
#
# Configuration is by environment (README "Configuration"). With neither
# EVENTSTORE_CONNECTION_STRING nor MONGODB_URI the embedded stores live in the /data volume;
# docker-compose.yml runs the production shape (EventStoreDB + MongoDB).

ARG NODE_IMAGE_TAG=20-bookworm

# ---- build: full Debian image, which has python3, make and g++ for node-gyp (better-sqlite3
# compiles from source when no prebuilt binary can be downloaded)
FROM node:${NODE_IMAGE_TAG} AS build
WORKDIR /app

# The npm in this image may predate package.json's `allowScripts` (npm 11.16+), which keeps
# @scarf/scarf's install-time analytics from running: opt out of those explicitly.
ENV SCARF_ANALYTICS=false

# Dependencies first, so this layer is reused while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# The same build script as CI (`npm run build` → dist/, the web UI included), then drop the dev
# dependencies (compiler, bundler, linters, test tools) from node_modules. The native modules
# stay as built here, for the same Debian release and architecture as the runtime stage.
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: slim Debian (same glibc as the build stage), production dependencies only
FROM node:${NODE_IMAGE_TAG}-slim AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

WORKDIR /app

# The one writable place: embedded stores (SQLite event log, read model, sessions). A named
# volume mounted here starts with this directory's owner, so `node` can write to it.
RUN mkdir -p /data && chown node:node /data

# Code and dependencies stay owned by root: the service cannot modify them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER node
VOLUME ["/data"]
EXPOSE 3000

# Liveness only (the process answers); /health/ready also checks the stores. Slim images have
# no curl or wget, so node's own fetch does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# A 32 MB young generation: fewer scavenges on the request path and in rebuilds (bench/).
CMD ["node", "--max-semi-space-size=32", "dist/apps/api/src/main.js"]
