# GitOps: the model-api Helm chart, the ArgoCD Applications and the alert
# rules, checked with real programs (helm, promtool, Prometheus, model-api).
# make test runs the gitops module's hermetic tests (the chart rendered with
# Helm's Go SDK, the Applications against Argo CD's schema).

E2E_TARGETS += e2e-gitops e2e-canary

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
		$(GO) test -count=1 -run '^TestE2E' -skip '^TestE2ECanary$$' -v ./e2e/

# argoanalysis measures AnalysisTemplates with Argo Rollouts' own provider
# code. It is its own module outside go.work (GOWORK=off): argo-rollouts'
# Prometheus provider builds only against a client_golang older than the
# one helm and k8s.io lift the gitops module to (tools/argoanalysis/main.go).
ARGOANALYSIS := $(BIN)/argoanalysis

$(ARGOANALYSIS): $(wildcard tools/argoanalysis/*.go) tools/argoanalysis/go.mod tools/argoanalysis/go.sum
	cd tools/argoanalysis && GOWORK=off $(GO) build -o $@ .

## argoanalysis: build bin/argoanalysis (Argo Rollouts' analysis of AnalysisTemplates against a Prometheus)
.PHONY: argoanalysis
argoanalysis: $(ARGOANALYSIS)

## e2e-canary: a real Prometheus scrapes a stable and five canary model-api processes labelled as prod's pods; Argo Rollouts' provider judges each canary on prod's AnalysisTemplates
.PHONY: e2e-canary
e2e-canary: $(BIN)/model-api $(BIN)/mlops app-models $(ARGOANALYSIS)
	cd gitops && MLOPS_E2E=1 PROMETHEUS=/usr/bin/prometheus MODEL_API_BIN=$(BIN)/model-api MLOPS_BIN=$(BIN)/mlops \
		ARGOANALYSIS=$(ARGOANALYSIS) MODELS_DIR=$(APP_MODELS) \
		$(GO) test -count=1 -run '^TestE2ECanary$$' -v ./e2e/
