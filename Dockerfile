# One image per KRM function: `--build-arg FUNCTION=<fn>` picks dist/<fn>.cjs (an esbuild
# bundle with no node_modules). Built by `npm run image` (scripts/image.mjs).
#
# BASE_IMAGE: any image with node at /nodejs/bin/node. The public default is distroless
# (no shell); scripts/base-image.sh builds a local look-alike when no registry is reachable.
# (The exec-form ENTRYPOINT cannot expand build args, hence one fixed node path.)
ARG BASE_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot
FROM ${BASE_IMAGE}

ARG FUNCTION
ARG VERSION=0.0.0
ARG DESCRIPTION="KRM function ${FUNCTION}"
ARG SOURCE=https://github.com/observability-krm/observability-krm

LABEL org.opencontainers.image.title="${FUNCTION}" \
      org.opencontainers.image.description="${DESCRIPTION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"

# World-readable and root-owned: kpt runs functions as `--user nobody`, and the function
# must not be able to modify itself.
COPY --chmod=0444 dist/${FUNCTION}.cjs /fn/main.cjs

# Numeric so the runtime needs no passwd lookup (and `runAsNonRoot` can verify it).
USER 10001:10001
# The function only reads stdin and writes stdout; /tmp is the one writable place
# (a tmpfs under `--read-only`).
WORKDIR /tmp
ENTRYPOINT ["/nodejs/bin/node", "/fn/main.cjs"]
