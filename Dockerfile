# The server's image (README, "Build the image"): `node /app/server.mjs` on port 8080, the embedded
# store in the /data volume, as uid 10001 on a read-only root. BASE_IMAGE is any Debian-based image
# with Node 24 in /usr/local (the official one by default; the tests pass a local one, no registry).
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install script is needed to bundle: esbuild runs through its JS wrapper and its platform package.
RUN npm ci --no-audit --no-fund --prefer-offline --ignore-scripts
COPY tsconfig.json ./
COPY gateway gateway
COPY lambda lambda
COPY local local
COPY pages pages
COPY scripts scripts
COPY server server
RUN node --import tsx scripts/bundle-server.ts --out /out

FROM ${BASE_IMAGE}
# The server needs node alone: npm, npx, corepack and yarn leave, with whatever they bundle.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
  && groupadd --gid 10001 app \
  && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
  && mkdir /data && chown 10001:10001 /data
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/data \
    PAGES_DIR=/app/pages
WORKDIR /app
COPY --from=build /out /app
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080
# node is process 1 and gets SIGTERM itself: no shell, no npm, no base image's entrypoint script.
ENTRYPOINT []
CMD ["node", "/app/server.mjs"]
