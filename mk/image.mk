# Container image (Dockerfile; docs/container.md): build it with docker or
# buildah, and build and run it for real with buildah in e2e.

E2E_TARGETS += e2e-image

IMAGE ?= model-api:$(VERSION)
# The full commit for the OCI revision label and the binaries' -X stamps.
IMAGE_REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# Image and layer timestamps: the commit's time, so a rebuild of one commit
# gives the same image (buildah --timestamp; BuildKit reads the build arg).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
IMAGE_MAX_MB ?= 25
BUILDAH ?= buildah
# buildah's global flags for make image and image-standins (its storage).
# vfs works everywhere, inside containers too; it is large on disk.
BUILDAH_FLAGS ?= --storage-driver vfs
IMAGE_BUILD_ARGS = --build-arg VERSION=$(VERSION) --build-arg REVISION=$(IMAGE_REVISION)

## image: build the image IMAGE (model-api:VERSION) from the Dockerfile: docker where `docker info` answers, else buildah
.PHONY: image
image:
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		echo "==> docker build -t $(IMAGE)"; \
		docker build $(IMAGE_BUILD_ARGS) --build-arg SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) -t $(IMAGE) .; \
	else \
		echo "==> no Docker engine answers: $(BUILDAH) bud -t $(IMAGE)"; \
		$(BUILDAH) $(BUILDAH_FLAGS) bud --isolation chroot --pull=false --timestamp $(SOURCE_DATE_EPOCH) \
			$(IMAGE_BUILD_ARGS) -t $(IMAGE) .; \
	fi

## image-standins: offline machines only: local stand-ins for the Dockerfile's base images, for make image (never push what they build)
.PHONY: image-standins
image-standins:
	./hack/image/standins.sh $(BUILDAH_FLAGS)

## e2e-image: buildah builds the Dockerfile twice on stand-in base images (same image ID), runs it: /healthz, /predict, uid 65532, size
.PHONY: e2e-image
e2e-image:
	VERSION=$(VERSION) REVISION=$(IMAGE_REVISION) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) IMAGE_MAX_MB=$(IMAGE_MAX_MB) \
		./hack/image/e2e.sh
