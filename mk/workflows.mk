# GitHub Actions workflows (.github/workflows; docs/cicd.md): actionlint,
# pinned and built with go install, which also runs shellcheck on every
# run: script, and yamllint (.yamllint). shellcheck and yamllint are Debian
# packages (.ci/apt.d/workflows.txt). The gitops module's tests check the
# workflows against the repository (gitops/workflows_test.go).

# go install builds it into a folder named after its version, so changing
# the version installs the new one.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := $(BIN)/actionlint-$(ACTIONLINT_VERSION)/actionlint
YAMLLINT ?= yamllint
SHELLCHECK ?= shellcheck
WORKFLOWS = $(sort $(wildcard .github/workflows/*.yml .github/workflows/*.yaml))

$(ACTIONLINT):
	GOBIN=$(dir $(ACTIONLINT)) GOWORK=off $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

## lint-workflows: actionlint (pinned, with shellcheck on every run: script) and yamllint on .github/workflows
.PHONY: lint-workflows
lint-workflows: $(ACTIONLINT)
	@for tool in $(SHELLCHECK) $(YAMLLINT); do \
		command -v $$tool >/dev/null || { echo "$$tool not found: make e2e-deps installs it (.ci/apt.d/workflows.txt)"; exit 1; }; \
	done
	@echo "==> actionlint $(ACTIONLINT_VERSION), yamllint ($(words $(WORKFLOWS)) workflows)"
	$(ACTIONLINT) -shellcheck=$$(command -v $(SHELLCHECK)) $(WORKFLOWS)
	$(YAMLLINT) --strict --config-file .yamllint $(WORKFLOWS) .yamllint

# make lint runs this too.
lint: lint-workflows
