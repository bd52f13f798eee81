# GitOps: the model-api Helm chart, the ArgoCD Applications and the alert
# rules, checked with real programs (helm, promtool, Prometheus, model-api).
# make test runs the gitops module's hermetic tests (the chart rendered with
# Helm's Go SDK, the Applications against Argo CD's schema).

E2E_TARGETS += e2e-gitops

# helm, pinned; go install builds it into a folder named after its version,
# so changing the version installs the new one.
HELM_VERSION := v3.22.0
HELM := $(BIN)/helm-$(HELM_VERSION)/helm

$(HELM):
	GOBIN=$(dir $(HELM)) GOWORK=off $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

## helm: install helm (pinned HELM_VERSION) into bin/
.PHONY: helm
helm: $(HELM)

## e2e-gitops: helm lint and template the chart, promtool check and test its alert rules, then watch each alert fire in a real Prometheus scraping model-api
.PHONY: e2e-gitops
e2e-gitops: $(HELM) $(BIN)/model-api app-models
	cd gitops && MLOPS_E2E=1 HELM=$(HELM) PROMETHEUS=/usr/bin/prometheus PROMTOOL=/usr/bin/promtool \
		MODEL_API_BIN=$(BIN)/model-api MODELS_DIR=$(APP_MODELS) \
		$(GO) test -count=1 -run '^TestE2E' -v ./e2e/
