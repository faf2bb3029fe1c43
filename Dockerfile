# syntax=docker/dockerfile:1
# KAM Hub: build once (server, console, native better-sqlite3), run as a non-root user on a slim base.
#   docker build -t kam-hub .
#   docker run --rm kam-hub --version
# See README "Deploying" and compose.yaml (KAM Hub + MariaDB).

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first (cached while only the source changes); `prepare` (the build) runs below.
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3
COPY . .
RUN npm run build --silent \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts \
 && rm -rf dist/test

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KAM_HOST=0.0.0.0 \
    KAM_PORT=4000 \
    KAM_DATABASE_URL=sqlite:/var/lib/kam-hub/kam.sqlite
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The code is root's and read-only to the server; only its data folder is writable (SQLite, when used).
RUN mkdir -p /var/lib/kam-hub && chown node:node /var/lib/kam-hub \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/kam
USER node
VOLUME ["/var/lib/kam-hub"]
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KAM_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["serve"]
