# syntax=docker/dockerfile:1.7
#
# One image for every role on AKS (docs/deploy.md): the Azure Functions host with this app, and,
# started with another command, the metrics sidecar (`node dist/src/sidecar/main.js`, port 9464).
#
#   docker build -t liveops-functions:$(git rev-parse --short=12 HEAD) .
#
# The base image is the official Functions Node 20 image at its supported major line. It is a
# tag, not a digest, because Microsoft republishes 4-node20 monthly with host and OS security
# fixes and expects custom images to be rebuilt on it (Jenkins rebuilds on every commit and
# Trivy gates the result). To freeze it, pass a digest:
#   --build-arg FUNCTIONS_IMAGE=mcr.microsoft.com/azure-functions/node:4-node20@sha256:<digest>
ARG FUNCTIONS_IMAGE=mcr.microsoft.com/azure-functions/node:4-node20

# ---- build: compile TypeScript with the dev dependencies --------------------------------------
FROM ${FUNCTIONS_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the optional azure-functions-core-tools package downloads the whole Functions
# host in its install script; the image already contains the host, and tsc needs no install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The live-ops console (Vite) is built into dist/console and served by the `console` function.
COPY console ./console
RUN npm run build

# ---- deps: production dependencies only ---------------------------------------------------------
FROM ${FUNCTIONS_IMAGE} AS deps
WORKDIR /deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${FUNCTIONS_IMAGE}

# The host refuses to start without its extension bundle and would otherwise try to download one
# at start-up, which the pods' egress policy forbids: fail the build if the base image lacks v4.
RUN ls -d /FuncExtensionBundles/Microsoft.Azure.Functions.ExtensionBundle/4.* >/dev/null

# A fixed numeric UID/GID so Kubernetes can verify runAsNonRoot (k8s-keda/base/pod-defaults.yaml).
# The host writes a sentinel file under /azure-functions-host/Secrets at start-up; on AKS an
# emptyDir is mounted there (read-only root filesystem), the chown keeps `docker run` working too.
RUN groupadd --system --gid 10001 liveops \
 && useradd --system --uid 10001 --gid liveops --no-create-home --shell /usr/sbin/nologin liveops \
 && mkdir -p /azure-functions-host/Secrets \
 && chown 10001:10001 /azure-functions-host/Secrets

# 8080, not the base image's port 80: a non-root process with every capability dropped cannot
# bind a port below 1024.
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    FUNCTIONS_WORKER_RUNTIME=node \
    ASPNETCORE_URLS=http://+:8080 \
    NODE_ENV=production

WORKDIR /home/site/wwwroot
# Owned by root and not writable by the runtime user: the app never writes to its own files.
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json host.json ./
# `node dist/src/local/migrate.js` finds the migrations beside dist/ (the migrate Job).
COPY migrations ./migrations

USER 10001:10001
EXPOSE 8080 9464
# The base image's entrypoint starts the Functions host; the sidecar overrides the command.
