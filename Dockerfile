# amlprobe as a container: `amlprobe serve` for Prometheus, a one-shot report, or a health check
# from inside the VNet. The build stage compiles and bundles (npm run build -> the jump-box bundle,
# see scripts/build-bundle.mjs); the runtime stage is Node plus that bundle: one file of code beside
# the catalog, the config schema and the lab certificates, no node_modules, no npm install.
#
#   docker build -t amlprobe .
#   docker run --rm amlprobe --version
#   docker run --rm amlprobe lab                       # the simulated workspace, on the container's loopback
#   docker run --rm -v "$PWD/amlprobe.yaml:/etc/amlprobe/config.yaml:ro" amlprobe            # one report
#   docker run -d -p 9464:9464 -v "$PWD/amlprobe.yaml:/etc/amlprobe/config.yaml:ro" amlprobe \
#     serve --config /etc/amlprobe/config.yaml --listen 0.0.0.0:9464                        # metrics
#
# The config is mounted at /etc/amlprobe/config.yaml (the folder /etc/amlprobe is a volume, so a
# ConfigMap or a folder with CA files fits too). Base image pinned by full tag, on Node's current
# LTS line (24 "Krypton": the binary's process.release.lts says so, 26 is not LTS; Node 20 reached
# end of life in April 2026) and Debian 13 (trixie); the CLI itself
# still supports Node >= 20.18 (package.json engines). scripts/container-build-test.sh builds the
# image with exactly this Node version and checks that both stages use the same base.

FROM node:24.22.3-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# npm settings for a build behind a firewall: --build-arg NPM_CONFIG_REGISTRY=<your mirror>, or
# NPM_CONFIG_OFFLINE=true to install from an npm cache mounted at /root/.npm (no network at all).
# Unset by default: npm then uses its own default registry.
ARG NPM_CONFIG_REGISTRY
ARG NPM_CONFIG_OFFLINE=false
# --ignore-scripts: nothing here needs an install script (esbuild finds its binary package itself).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY scripts ./scripts
COPY probes ./probes
COPY config ./config
COPY lab ./lab
RUN npm run build && mkdir -p /opt && tar -xzf dist/amlprobe-bundle.tar.gz -C /opt

FROM node:24.22.3-trixie-slim
ENV NODE_ENV=production
# Where `amlprobe serve` keeps its state for the HEALTHCHECK below (a tmpfs or emptyDir when the
# root file system is read-only).
ENV AMLPROBE_SERVE_STATE=/tmp/amlprobe/serve-state.json
COPY --from=build /opt/amlprobe /opt/amlprobe
COPY docs /opt/amlprobe/docs
RUN ln -s /opt/amlprobe/amlprobe.mjs /usr/local/bin/amlprobe && mkdir -p /etc/amlprobe
VOLUME ["/etc/amlprobe"]
# The node image's unprivileged user (uid 1000); amlprobe needs no privilege (no raw sockets).
USER node
WORKDIR /home/node
EXPOSE 9464
# Meaningful only where serve runs, and cheap: it reads the state file serve rewrites after every
# run (no probe, no packet). Healthy = serve finished a run within interval + deadline + 30 s and no
# required endpoint failed in it. In a one-shot container (run, lab) there is no state file and the
# check is a no-op success. Docker only shows the status; on Kubernetes use the manifests in
# deploy/, which do not restart the pod for the network's health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["amlprobe", "healthcheck", "--serve-state", "/tmp/amlprobe/serve-state.json"]
ENTRYPOINT ["amlprobe"]
CMD ["run", "--config", "/etc/amlprobe/config.yaml"]
