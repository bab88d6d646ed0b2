# amlprobe as a container: a health check or a one-shot report from inside the VNet.
# Build stage compiles TypeScript with the dev dependencies; the runtime stage carries only the
# production dependencies, the compiled code, the catalog and the config schema.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY test ./test
RUN npx tsc -p tsconfig.json

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY probes ./probes
COPY config ./config
COPY docs ./docs
COPY lab ./lab
# The config is mounted here: docker run -v $PWD/amlprobe.yaml:/etc/amlprobe/config.yaml ...
VOLUME ["/etc/amlprobe"]
USER node
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["run"]
