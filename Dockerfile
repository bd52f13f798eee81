# model-api with the model bundles baked in. See docs/container.md.
#
# Build stage: compiles model-api and mlops statically, retrains every model
# from data/ and params.yaml with the dvc.yaml pipeline, and fails unless the
# bundles are byte for byte what dvc.lock records (hack/image/verify-models.sh).
# Runtime stage: distroless static, uid 65532, model-api and models/ only.
#
#   make image                        # docker where `docker info` answers, else buildah
#   docker build --build-arg VERSION=v1.2.3 --build-arg REVISION=$(git rev-parse HEAD) -t model-api .
#
# No build argument carries a credential, and none may: build arguments and
# ENV end up in the image's history. The build needs no cloud access.

# Base images, by tag. Release builds may pin them by digest with
# --build-arg GO_IMAGE=docker.io/library/golang:1.26-bookworm@sha256:...
# (make e2e-image builds with these defaults, against local stand-ins).
ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
# Static, path-free, workspace-free builds with the image's own toolchain
# (each module's go.mod replaces its sibling modules by relative path, so
# go.work is not needed and not in the context). GOPROXY is left alone: the
# default proxy for a normal build; an offline base image may set it to off
# and carry the module cache (make e2e-image does).
ENV CGO_ENABLED=0 \
    GOWORK=off \
    GOTOOLCHAIN=local \
    GOFLAGS="-trimpath -buildvcs=false"

# Modules first, so a source change does not download them again.
COPY training/go.mod training/go.sum training/
COPY training/model/go.mod training/model/
COPY app/go.mod app/go.sum app/
COPY app/telemetry/go.mod app/telemetry/
# app's e2e tests import testsupport: go mod download reads its go.mod (and
# needs no more of it: nothing the image builds imports it).
COPY testsupport/go.mod testsupport/
RUN cd training && go mod download && cd ../app && go mod download

COPY training/ training/
COPY app/ app/

# Stamped into both binaries (and the labels below); not a secret.
ARG VERSION=dev
ARG REVISION=unknown
RUN --mount=type=cache,target=/root/.cache/go-build \
    cd /src/training && go build -o /out/mlops \
      -ldflags "-s -w -X github.com/mlopsgo/mlops/training/internal/version.Version=${VERSION} -X github.com/mlopsgo/mlops/training/internal/version.Commit=${REVISION}" \
      ./cmd/mlops \
 && cd /src/app && go build -o /out/model-api \
      -ldflags "-s -w -X github.com/mlopsgo/mlops/app/internal/version.Version=${VERSION} -X github.com/mlopsgo/mlops/app/internal/version.Revision=${REVISION}" \
      ./cmd/model-api

# The pipeline's inputs (models/, runs/ and the DVC cache are not in the
# context: see .dockerignore), then the training and the dvc.lock check.
COPY dvc.yaml dvc.lock params.yaml data.dvc .dvcignore ./
COPY .dvc/config .dvc/
COPY data/ data/
COPY hack/image/verify-models.sh hack/image/
RUN sh hack/image/verify-models.sh /out/mlops

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="model-api" \
      org.opencontainers.image.description="Iris classifiers trained by mlops, served over HTTP with Prometheus metrics" \
      org.opencontainers.image.source="https://github.com/mlopsgo/mlops" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/model-api /usr/local/bin/model-api
# Owned by root and read-only to the server: it only reads them.
COPY --from=build /src/models/ /models/
ENV PORT=8080 \
    MODEL_DIR=/models
# nonroot in distroless; numeric so Kubernetes' runAsNonRoot can check it.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/model-api"]
