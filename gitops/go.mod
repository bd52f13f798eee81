module github.com/mlopsgo/mlops/gitops

go 1.26.0

replace github.com/mlopsgo/mlops/app/telemetry => ../app/telemetry

replace github.com/mlopsgo/mlops/testsupport => ../testsupport

// argo-rollouts (the Rollout and AnalysisTemplate types the tests decode
// into) requires k8s.io/kubernetes v1.34.1, whose go.mod names its staging
// modules at v0.0.0 and replaces them in its own go.mod, which a dependent
// module ignores. Without these, commands that load the whole module graph
// (go list -m all, go mod graph) fail; builds never use these versions.
replace (
	k8s.io/api v0.0.0 => k8s.io/api v0.34.1
	k8s.io/apiextensions-apiserver v0.0.0 => k8s.io/apiextensions-apiserver v0.34.1
	k8s.io/apimachinery v0.0.0 => k8s.io/apimachinery v0.34.1
	k8s.io/apiserver v0.0.0 => k8s.io/apiserver v0.34.1
	k8s.io/cli-runtime v0.0.0 => k8s.io/cli-runtime v0.34.1
	k8s.io/client-go v0.0.0 => k8s.io/client-go v0.34.1
	k8s.io/cloud-provider v0.0.0 => k8s.io/cloud-provider v0.34.1
	k8s.io/cluster-bootstrap v0.0.0 => k8s.io/cluster-bootstrap v0.34.1
	k8s.io/code-generator v0.0.0 => k8s.io/code-generator v0.34.1
	k8s.io/component-base v0.0.0 => k8s.io/component-base v0.34.1
	k8s.io/component-helpers v0.0.0 => k8s.io/component-helpers v0.34.1
	k8s.io/controller-manager v0.0.0 => k8s.io/controller-manager v0.34.1
	k8s.io/cri-api v0.0.0 => k8s.io/cri-api v0.34.1
	k8s.io/cri-client v0.0.0 => k8s.io/cri-client v0.34.1
	k8s.io/csi-translation-lib v0.0.0 => k8s.io/csi-translation-lib v0.34.1
	k8s.io/dynamic-resource-allocation v0.0.0 => k8s.io/dynamic-resource-allocation v0.34.1
	k8s.io/endpointslice v0.0.0 => k8s.io/endpointslice v0.34.1
	k8s.io/externaljwt v0.0.0 => k8s.io/externaljwt v0.34.1
	k8s.io/kms v0.0.0 => k8s.io/kms v0.34.1
	k8s.io/kube-aggregator v0.0.0 => k8s.io/kube-aggregator v0.34.1
	k8s.io/kube-controller-manager v0.0.0 => k8s.io/kube-controller-manager v0.34.1
	k8s.io/kube-proxy v0.0.0 => k8s.io/kube-proxy v0.34.1
	k8s.io/kube-scheduler v0.0.0 => k8s.io/kube-scheduler v0.34.1
	k8s.io/kubectl v0.0.0 => k8s.io/kubectl v0.34.1
	k8s.io/kubelet v0.0.0 => k8s.io/kubelet v0.34.1
	k8s.io/metrics v0.0.0 => k8s.io/metrics v0.34.1
	k8s.io/mount-utils v0.0.0 => k8s.io/mount-utils v0.34.1
	k8s.io/pod-security-admission v0.0.0 => k8s.io/pod-security-admission v0.34.1
	k8s.io/sample-apiserver v0.0.0 => k8s.io/sample-apiserver v0.34.1
)

require (
	github.com/argoproj/argo-rollouts v1.9.0
	github.com/mlopsgo/mlops/app/telemetry v0.0.0
	github.com/mlopsgo/mlops/testsupport v0.0.0
	github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring v0.95.2
	github.com/prometheus/common v0.71.0
	github.com/prometheus/prometheus v0.315.1
	github.com/sirupsen/logrus v1.9.4
	go.yaml.in/yaml/v3 v3.0.5
	helm.sh/helm/v3 v3.22.0
	k8s.io/api v0.37.2
	k8s.io/apimachinery v0.37.2
	sigs.k8s.io/yaml v1.6.0
)

require (
	dario.cat/mergo v1.0.1 // indirect
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/Masterminds/goutils v1.1.1 // indirect
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/Masterminds/sprig/v3 v3.3.0 // indirect
	github.com/antonmedv/expr v1.15.5 // indirect
	github.com/asaskevich/govalidator v0.0.0-20230301143203-a9d515a09cc2 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cyphar/filepath-securejoin v0.7.0 // indirect
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
	github.com/dennwc/varint v1.0.0 // indirect
	github.com/emicklei/go-restful/v3 v3.13.0 // indirect
	github.com/fxamacker/cbor/v2 v2.9.3 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-openapi/jsonpointer v1.0.0 // indirect
	github.com/go-openapi/jsonreference v1.0.0 // indirect
	github.com/go-openapi/swag v0.28.0 // indirect
	github.com/go-openapi/swag/cmdutils v0.28.0 // indirect
	github.com/go-openapi/swag/conv v0.28.0 // indirect
	github.com/go-openapi/swag/fileutils v0.28.0 // indirect
	github.com/go-openapi/swag/jsonutils v0.28.0 // indirect
	github.com/go-openapi/swag/loading v0.28.0 // indirect
	github.com/go-openapi/swag/mangling v0.28.0 // indirect
	github.com/go-openapi/swag/netutils v0.28.0 // indirect
	github.com/go-openapi/swag/pools v0.28.0 // indirect
	github.com/go-openapi/swag/stringutils v0.28.0 // indirect
	github.com/go-openapi/swag/typeutils v0.28.0 // indirect
	github.com/go-openapi/swag/yamlutils v0.28.0 // indirect
	github.com/gobwas/glob v0.2.3 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/google/gnostic-models v0.7.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/grafana/regexp v0.0.0-20250905093917-f7b3be9d1853 // indirect
	github.com/huandu/xstrings v1.5.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/mitchellh/copystructure v1.2.0 // indirect
	github.com/mitchellh/reflectwalk v1.0.2 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.3-0.20250322232337-35a7c28c31ee // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/prometheus/client_golang v1.24.1 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/procfs v0.21.1 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/shopspring/decimal v1.4.0 // indirect
	github.com/spf13/cast v1.7.1 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	go.yaml.in/yaml/v2 v2.4.4 // indirect
	golang.org/x/crypto v0.57.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/term v0.46.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	golang.org/x/time v0.15.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/inf.v0 v0.9.1 // indirect
	k8s.io/apiextensions-apiserver v0.37.2 // indirect
	k8s.io/apiserver v0.37.2 // indirect
	k8s.io/client-go v0.37.2 // indirect
	k8s.io/klog/v2 v2.140.0 // indirect
	k8s.io/kube-openapi v0.0.0-20260821135717-be32def86098 // indirect
	k8s.io/utils v0.0.0-20261023123148-ca04ba58ecab // indirect
	sigs.k8s.io/json v0.0.0-20250730193827-2d320260d730 // indirect
	sigs.k8s.io/randfill v1.0.0 // indirect
	sigs.k8s.io/structured-merge-diff/v6 v6.4.2 // indirect
)
