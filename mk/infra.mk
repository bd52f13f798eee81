# Infra: the IAM policies the bootstrap program (infra/bootstrap) generates,
# evaluated by a real IAM evaluator, @cloud-copilot/iam-simulate (npm, pinned
# with its lockfile in infra/bootstrap/iamsim; .ci/install-deps installs it
# into bin/, with the node and npm of the machine: the e2e container is
# node:22-bookworm). make test runs the infra module's hermetic tests (Pulumi mocks).

E2E_TARGETS += e2e-iam

IAM_SIMULATE_VERSION := 0.1.173
IAM_SIMULATE := $(BIN)/iam-simulate-$(IAM_SIMULATE_VERSION)

$(IAM_SIMULATE)/node_modules/@cloud-copilot/iam-simulate:
	./.ci/install-deps

## e2e-iam: evaluate the deploy role's and the boundary's generated policies with iam-simulate: every call of the deploy table allowed, escalation and other stacks' resources denied
.PHONY: e2e-iam
e2e-iam: $(IAM_SIMULATE)/node_modules/@cloud-copilot/iam-simulate
	cd infra && MLOPS_E2E=1 IAM_SIMULATE=$(IAM_SIMULATE) $(GO) test -count=1 -run '^TestE2EIAM' -v ./bootstrap/
