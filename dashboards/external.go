package dashboards

// Series that the dashboards read but model-api does not export. They come
// from kube-prometheus-stack's own scrapes: the kubelet's cAdvisor endpoint
// and kube-state-metrics. This is the one list of them: a query naming any
// other metric that is not an app/telemetry constant fails the tests, and
// the end-to-end check skips queries over these (a local Prometheus
// scraping model-api has no cluster to read them from).
const (
	// ContainerCPUUsageSecondsTotal is cAdvisor's CPU time counter per
	// container.
	ContainerCPUUsageSecondsTotal = "container_cpu_usage_seconds_total"
	// ContainerMemoryWorkingSetBytes is cAdvisor's working set per
	// container: what the OOM killer compares with the limit.
	ContainerMemoryWorkingSetBytes = "container_memory_working_set_bytes"
	// KubePodContainerStatusRestartsTotal is kube-state-metrics' restart
	// counter per container.
	KubePodContainerStatusRestartsTotal = "kube_pod_container_status_restarts_total"
	// KubePodContainerResourceLimits is kube-state-metrics' limit per
	// container and resource (cpu in cores, memory in bytes).
	KubePodContainerResourceLimits = "kube_pod_container_resource_limits"
	// KubePodContainerResourceRequests is kube-state-metrics' request per
	// container and resource: what the scheduler reserves, and the base of
	// the HPA's CPU utilization.
	KubePodContainerResourceRequests = "kube_pod_container_resource_requests"
)

// ClusterSeries lists every kube-prometheus-stack series above.
var ClusterSeries = []string{
	ContainerCPUUsageSecondsTotal,
	ContainerMemoryWorkingSetBytes,
	KubePodContainerStatusRestartsTotal,
	KubePodContainerResourceLimits,
	KubePodContainerResourceRequests,
}

// Up is the series Prometheus itself writes for every scrape target: 1 when
// the last scrape succeeded, 0 when it failed.
const Up = "up"

// PrometheusSeries lists the series Prometheus writes itself, which any
// Prometheus scraping model-api has.
var PrometheusSeries = []string{Up}

// Target labels that Prometheus (through prometheus-operator's
// ServiceMonitor) adds to model-api's series, and that cAdvisor and
// kube-state-metrics series carry for the pod they describe.
const (
	LabelNamespace = "namespace"
	LabelPod       = "pod"
	LabelContainer = "container"
	LabelResource  = "resource"
)
