package gitops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/release"
	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// container returns the model-api container of the workload (the
// Deployment, or the Rollout with rollout.enabled).
func container(t *testing.T, m *render.Manifest) corev1.Container {
	t.Helper()
	if n := len(m.PodTemplate().Spec.Containers); n != 1 {
		t.Fatalf("the pod template has %d containers, want 1", n)
	}
	return m.PodTemplate().Spec.Containers[0]
}

// envValue returns the container's plain value of an environment variable.
func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// containerPort resolves a Service or probe port (a number or a container
// port name) to the container's port number.
func containerPort(t *testing.T, c corev1.Container, p intstr.IntOrString) int32 {
	t.Helper()
	if p.Type == intstr.Int {
		return p.IntVal
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return cp.ContainerPort
		}
	}
	t.Fatalf("container %s has no port named %q", c.Name, p.StrVal)
	return 0
}

func TestSecurityContext(t *testing.T) {
	forEachRender(t, func(t *testing.T, c valuesCase, m *render.Manifest) {
		pod := m.PodTemplate().Spec
		psc := pod.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != 65532 {
			t.Errorf("pod securityContext %+v: want runAsNonRoot and runAsUser 65532", psc)
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("pod seccompProfile: want RuntimeDefault")
		}
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Errorf("automountServiceAccountToken: want false (model-api never calls the API server)")
		}
		sc := container(t, m).SecurityContext
		checks := []struct {
			what string
			ok   bool
		}{
			{"runAsNonRoot", sc != nil && sc.RunAsNonRoot != nil && *sc.RunAsNonRoot},
			{"runAsUser 65532 (the image's user)", sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 65532},
			{"readOnlyRootFilesystem", sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem},
			{"allowPrivilegeEscalation false", sc != nil && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation},
			{"privileged false", sc != nil && (sc.Privileged == nil || !*sc.Privileged)},
			{"capabilities drop ALL, add none", sc != nil && sc.Capabilities != nil && slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) && len(sc.Capabilities.Add) == 0},
			{"seccomp RuntimeDefault", sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault},
		}
		for _, ch := range checks {
			if !ch.ok {
				t.Errorf("container securityContext: want %s; got %+v", ch.what, sc)
			}
		}
	})
}

func TestProbesAndPorts(t *testing.T) {
	app := readAppSource(t)
	defaultPort, err := strconv.Atoi(app.env["PORT"])
	if err != nil {
		t.Fatalf("model-api's default PORT %q: %v", app.env["PORT"], err)
	}
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		c := container(t, m)
		if len(c.Ports) == 0 || c.Ports[0].Name != "http" {
			t.Fatalf("container ports %+v: want the first named http", c.Ports)
		}
		port := c.Ports[0].ContainerPort
		if env, _ := envValue(c, "PORT"); env != strconv.Itoa(int(port)) {
			t.Errorf("PORT=%q, want the container port %d", env, port)
		}
		// A second port, named metrics, exactly when METRICS_PORT moves
		// /metrics and /admin/* there.
		metricsEnv, split := envValue(c, "METRICS_PORT")
		switch {
		case split && (len(c.Ports) != 2 || c.Ports[1].Name != "metrics" || strconv.Itoa(int(c.Ports[1].ContainerPort)) != metricsEnv):
			t.Errorf("METRICS_PORT=%q, container ports %+v: want a second port named metrics on it", metricsEnv, c.Ports)
		case !split && len(c.Ports) != 1:
			t.Errorf("container ports %+v without METRICS_PORT: want only http", c.Ports)
		}
		if split != (vc.name != "single-port") {
			t.Errorf("%s: METRICS_PORT set %t; every case but single-port moves /metrics to its own port", vc.name, split)
		}
		// The chart's default follows the app's default.
		if vc.name != "everything" && int(port) != defaultPort {
			t.Errorf("container port %d, want model-api's default PORT %d (app/cmd/model-api/main.go)", port, defaultPort)
		}
		probes := []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{
			{"startup", c.StartupProbe, "/healthz"},
			{"liveness", c.LivenessProbe, "/healthz"},
			{"readiness", c.ReadinessProbe, "/readyz"},
		}
		for _, p := range probes {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Errorf("%s probe: want an httpGet probe", p.name)
				continue
			}
			g := p.probe.HTTPGet
			if g.Path != p.path || !app.serves(g.Path) {
				t.Errorf("%s probe path %q: want %s, a GET route model-api serves", p.name, g.Path, p.path)
			}
			if containerPort(t, c, g.Port) != port {
				t.Errorf("%s probe port %v: want the container port %d", p.name, g.Port.String(), port)
			}
		}
		if c.StartupProbe != nil && c.LivenessProbe != nil && c.StartupProbe.FailureThreshold*c.StartupProbe.PeriodSeconds < 30 {
			t.Errorf("startup probe allows %ds to load the models, want at least 30s", c.StartupProbe.FailureThreshold*c.StartupProbe.PeriodSeconds)
		}
	})
}

func TestEnvironmentIsWhatModelAPIReads(t *testing.T) {
	app := readAppSource(t)
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		c := container(t, m)
		for _, e := range c.Env {
			if _, ok := app.env[e.Name]; !ok {
				t.Errorf("env %s: model-api does not read it (it reads %v)", e.Name, keys(app.env))
			}
		}
		admin := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "ADMIN_TOKEN" })
		if admin >= 0 {
			e := c.Env[admin]
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name == "" {
				t.Errorf("ADMIN_TOKEN %+v: want it from a Secret, never a literal", e)
			}
		}
		wantAdmin := vc.name == "admin-token" || vc.name == "everything"
		if (admin >= 0) != wantAdmin {
			t.Errorf("ADMIN_TOKEN present %v, want %v", admin >= 0, wantAdmin)
		}
		if esl := m.PodTemplate().Spec.EnableServiceLinks; esl == nil || *esl {
			// Service links would add MODEL_API_* variables to the environment.
			t.Errorf("enableServiceLinks: want false")
		}
	})
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestRolloutAndShutdown(t *testing.T) {
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		// Never below the desired count, whichever workload: a new pod
		// (or the canary's) must be ready first.
		var maxUnavailable, maxSurge *intstr.IntOrString
		var replicas *int32
		switch {
		case m.Deployment != nil:
			s := m.Deployment.Spec.Strategy
			if s.Type != appsv1.RollingUpdateDeploymentStrategyType || s.RollingUpdate == nil {
				t.Fatalf("strategy %+v: want a rolling update", s)
			}
			maxUnavailable, maxSurge, replicas = s.RollingUpdate.MaxUnavailable, s.RollingUpdate.MaxSurge, m.Deployment.Spec.Replicas
		case m.Rollout != nil:
			s := m.Rollout.Spec.Strategy
			if s.Canary == nil || s.BlueGreen != nil {
				t.Fatalf("strategy %+v: want a canary", s)
			}
			maxUnavailable, maxSurge, replicas = s.Canary.MaxUnavailable, s.Canary.MaxSurge, m.Rollout.Spec.Replicas
		}
		if maxUnavailable == nil || maxUnavailable.String() != "0" {
			t.Errorf("maxUnavailable %v: want 0", maxUnavailable)
		}
		if maxSurge == nil || maxSurge.String() == "0" {
			t.Errorf("maxSurge: want at least 1 (with maxUnavailable 0 a rollout needs a surge pod)")
		}
		if (m.HPA != nil) == (replicas != nil) {
			t.Errorf("HPA present %v, workload replicas set %v: want replicas left to the HPA exactly when it exists", m.HPA != nil, replicas != nil)
		}
		if (m.Rollout != nil) != (vc.name == "dev" || vc.name == "prod" || vc.name == "everything") {
			t.Errorf("%s: Rollout rendered %v; dev, prod and everything enable rollout, the rest keep the Deployment", vc.name, m.Rollout != nil)
		}
		c := container(t, m)
		if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds <= 0 {
			t.Fatalf("preStop %+v: want a sleep of a few seconds (the image has no shell)", c.Lifecycle)
		}
		preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
		drain := envDuration(t, c, "DRAIN_DELAY")
		shutdown := envDuration(t, c, "SHUTDOWN_TIMEOUT")
		if drain <= 0 {
			t.Errorf("DRAIN_DELAY %v: want a few seconds", drain)
		}
		grace := time.Duration(*m.PodTemplate().Spec.TerminationGracePeriodSeconds) * time.Second
		if grace <= preStop+drain+shutdown {
			t.Errorf("terminationGracePeriodSeconds %v: want more than preStop %v + DRAIN_DELAY %v + SHUTDOWN_TIMEOUT %v", grace, preStop, drain, shutdown)
		}
		r := c.Resources
		if r.Requests.Cpu().IsZero() || r.Requests.Memory().IsZero() || r.Limits.Memory().IsZero() {
			t.Errorf("resources %+v: want CPU and memory requests (the HPA scales on CPU) and a memory limit", r)
		}
		if r.Limits.Memory().Cmp(*r.Requests.Memory()) < 0 {
			t.Errorf("memory limit %v below the request %v", r.Limits.Memory(), r.Requests.Memory())
		}
		if vc.name != "minimal" && len(m.PodTemplate().Spec.TopologySpreadConstraints) == 0 {
			t.Errorf("no topology spread constraints")
		}
		// Spread counts one ReplicaSet's pods, by the hash label of the
		// controller that owns them.
		hash := "pod-template-hash"
		if m.Rollout != nil {
			hash = "rollouts-pod-template-hash"
		}
		for _, tsc := range m.PodTemplate().Spec.TopologySpreadConstraints {
			if !slices.Equal(tsc.MatchLabelKeys, []string{hash}) {
				t.Errorf("topology spread %s matchLabelKeys %v, want [%s]", tsc.TopologyKey, tsc.MatchLabelKeys, hash)
			}
		}
		for _, v := range c.VolumeMounts {
			if v.MountPath == "/" || !v.ReadOnly && v.MountPath != "/tmp" {
				t.Errorf("volume mount %s: only /tmp may be writable", v.MountPath)
			}
		}
	})
}

func envDuration(t *testing.T, c corev1.Container, name string) time.Duration {
	t.Helper()
	v, ok := envValue(c, name)
	if !ok {
		t.Fatalf("env %s is not set", name)
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("env %s=%q: %v", name, v, err)
	}
	return d
}

// matches reports whether a label selector selects the labels.
func matches(t *testing.T, sel *metav1.LabelSelector, lbls map[string]string) bool {
	t.Helper()
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return false // an empty selector selects everything: never what we want
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatalf("selector %+v: %v", sel, err)
	}
	return s.Matches(labels.Set(lbls))
}

func TestLabelsAndSelectorsAgree(t *testing.T) {
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		pod := m.PodTemplate().Labels
		kind, name, selector := "Deployment", "", (*metav1.LabelSelector)(nil)
		if m.Deployment != nil {
			name, selector = m.Deployment.Name, m.Deployment.Spec.Selector
		} else {
			kind, name, selector = "Rollout", m.Rollout.Name, m.Rollout.Spec.Selector
		}
		if !matches(t, selector, pod) {
			t.Errorf("%s selector %v does not select its pod template %v", kind, selector, pod)
		}
		for _, svc := range m.Services {
			if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod)) {
				t.Errorf("Service %s selector %v does not select the pods %v", svc.Name, svc.Spec.Selector, pod)
			}
		}
		if m.PDB != nil && !matches(t, m.PDB.Spec.Selector, pod) {
			t.Errorf("PodDisruptionBudget selector %v does not select the pods", m.PDB.Spec.Selector)
		}
		if m.NetworkPolicy != nil && !matches(t, &m.NetworkPolicy.Spec.PodSelector, pod) {
			t.Errorf("NetworkPolicy podSelector %v does not select the pods", m.NetworkPolicy.Spec.PodSelector)
		}
		for _, tsc := range m.PodTemplate().Spec.TopologySpreadConstraints {
			if !matches(t, tsc.LabelSelector, pod) {
				t.Errorf("topology spread %s selector does not select the pods", tsc.TopologyKey)
			}
		}
		if m.HPA != nil {
			ref := m.HPA.Spec.ScaleTargetRef
			apiVersion := map[string]string{"Deployment": "apps/v1", "Rollout": "argoproj.io/v1alpha1"}[kind]
			if ref.Kind != kind || ref.Name != name || ref.APIVersion != apiVersion {
				t.Errorf("HPA targets %+v, want the %s %s (%s)", ref, kind, name, apiVersion)
			}
			if len(m.HPA.Spec.Metrics) == 0 || m.HPA.Spec.Metrics[0].Resource == nil || m.HPA.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
				t.Errorf("HPA metrics %+v: want CPU", m.HPA.Spec.Metrics)
			}
		}
		if sa := m.PodTemplate().Spec.ServiceAccountName; m.ServiceAccount != nil && sa != m.ServiceAccount.Name {
			t.Errorf("pods use ServiceAccount %q, the chart creates %q", sa, m.ServiceAccount.Name)
		}
		for _, o := range m.Objects {
			meta := objectMeta(o)
			if meta.Namespace != vc.namespace {
				t.Errorf("%s %s in namespace %q, want the release namespace %q", o.Kind, o.Name, meta.Namespace, vc.namespace)
			}
			for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart"} {
				if meta.Labels[k] == "" {
					t.Errorf("%s %s lacks label %s", o.Kind, o.Name, k)
				}
			}
		}
	})
}

// objectMeta returns an object's metadata.
func objectMeta(o render.Object) metav1.ObjectMeta {
	if a, ok := o.Value.(interface{ GetObjectMeta() metav1.Object }); ok {
		mo := a.GetObjectMeta()
		return metav1.ObjectMeta{Name: mo.GetName(), Namespace: mo.GetNamespace(), Labels: mo.GetLabels()}
	}
	return metav1.ObjectMeta{}
}

func TestServiceAndServiceMonitorAgree(t *testing.T) {
	app := readAppSource(t)
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		c := container(t, m)
		svc := m.Service
		if len(svc.Spec.Ports) != len(c.Ports) {
			t.Fatalf("Service ports %+v: want one per container port %+v", svc.Spec.Ports, c.Ports)
		}
		for i, sp := range svc.Spec.Ports {
			if sp.Name != c.Ports[i].Name || containerPort(t, c, sp.TargetPort) != c.Ports[i].ContainerPort {
				t.Errorf("Service port %s targets %s, want the container port %s (%d)", sp.Name, sp.TargetPort.String(), c.Ports[i].Name, c.Ports[i].ContainerPort)
			}
		}
		// Prometheus scrapes the metrics port when there is one.
		sp := svc.Spec.Ports[len(svc.Spec.Ports)-1]
		sm := m.ServiceMonitor
		if sm == nil {
			if vc.name != "minimal" {
				t.Fatal("no ServiceMonitor")
			}
			return
		}
		if !matches(t, &sm.Spec.Selector, svc.Labels) {
			t.Errorf("ServiceMonitor selector %v does not select the Service's labels %v", sm.Spec.Selector, svc.Labels)
		}
		if ns := sm.Spec.NamespaceSelector; ns.Any || !slices.Equal(ns.MatchNames, []string{svc.Namespace}) {
			t.Errorf("ServiceMonitor namespaceSelector %+v: want exactly the Service's namespace %s", ns, svc.Namespace)
		}
		if len(sm.Spec.Endpoints) != 1 {
			t.Fatalf("ServiceMonitor endpoints %+v: want one", sm.Spec.Endpoints)
		}
		ep := sm.Spec.Endpoints[0]
		if ep.Port != sp.Name {
			t.Errorf("ServiceMonitor scrapes port %q, the Service names its port %q", ep.Port, sp.Name)
		}
		if ep.Path != "/metrics" || !app.serves(ep.Path) {
			t.Errorf("ServiceMonitor path %q: want /metrics, which model-api serves", ep.Path)
		}
		// The alert rules select job = the Service's name.
		if m.PrometheusRule != nil && !strings.Contains(m.PrometheusRule.Spec.Groups[0].Rules[0].Expr.String(), `job="`+svc.Name+`"`) {
			t.Errorf("the alert rules do not select job=%q, the job Prometheus gives the Service's targets", svc.Name)
		}
	})
}

func TestNetworkPolicyAdmitsTheServicePort(t *testing.T) {
	forEachRender(t, func(t *testing.T, vc valuesCase, m *render.Manifest) {
		np := m.NetworkPolicy
		if np == nil {
			if vc.name != "minimal" {
				t.Fatal("no NetworkPolicy")
			}
			return
		}
		c := container(t, m)
		api := containerPort(t, c, m.Service.Spec.Ports[0].TargetPort)
		metrics := containerPort(t, c, m.Service.Spec.Ports[len(m.Service.Spec.Ports)-1].TargetPort)
		if !slices.Equal(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}) {
			t.Errorf("policyTypes %v: want [Ingress]", np.Spec.PolicyTypes)
		}
		var prometheus bool
		for i, rule := range np.Spec.Ingress {
			if len(rule.From) == 0 {
				t.Errorf("ingress rule %d admits every source", i)
			}
			if len(rule.Ports) == 0 {
				t.Errorf("ingress rule %d admits every port", i)
			}
			fromPrometheus := false
			for _, peer := range rule.From {
				if peer.NamespaceSelector != nil && peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == "monitoring" &&
					peer.PodSelector != nil && peer.PodSelector.MatchLabels["app.kubernetes.io/name"] == "prometheus" {
					prometheus, fromPrometheus = true, true
				}
			}
			// Prometheus reaches the metrics port only; everyone else the
			// API port only (they are one port in single-port).
			want := api
			if fromPrometheus {
				want = metrics
			}
			for _, p := range rule.Ports {
				if p.Port == nil || containerPort(t, c, *p.Port) != want {
					t.Errorf("ingress rule %d admits port %v, want only %d", i, p.Port, want)
				}
			}
		}
		if !prometheus {
			t.Errorf("no ingress rule admits kube-prometheus-stack's Prometheus (namespace monitoring)")
		}
		if vc.name == "dev" || vc.name == "prod" {
			want, what := 2, "Prometheus and the load balancer"
			if m.ConfigMap != nil {
				want, what = 3, "Prometheus, the load balancer and the analysis's load Job"
			}
			if len(np.Spec.Ingress) != want {
				t.Errorf("%s: %d ingress rules, want %s", vc.name, len(np.Spec.Ingress), what)
			}
		}
	})
}

func TestEnvironmentsExposeTheService(t *testing.T) {
	for _, c := range valuesCases(t) {
		if c.name != "dev" && c.name != "prod" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			m := renderCase(t, c)
			if m.Ingress == nil {
				t.Fatalf("%s has no Ingress: the public edge is the ALB's HTTPS listener", c.name)
			}
			if m.Service.Spec.Type != corev1.ServiceTypeClusterIP {
				t.Errorf("Service type %s: want ClusterIP behind the Ingress (a LoadBalancer Service is a second, plain-TCP public listener)", m.Service.Spec.Type)
			}
			if cls := m.Ingress.Spec.IngressClassName; cls == nil || *cls != "alb" {
				t.Errorf("Ingress class %v, want alb (AWS Load Balancer Controller; infra gives it the certificate)", cls)
			}
			if m.Ingress.Annotations["alb.ingress.kubernetes.io/target-type"] != "ip" {
				t.Errorf("ALB target-type %q, want ip", m.Ingress.Annotations["alb.ingress.kubernetes.io/target-type"])
			}
			// With ALB traffic routing the rule forwards to the action Argo
			// Rollouts writes for the root Service (use-annotation).
			be := m.Ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service
			port := m.Service.Spec.Ports[0].Name
			if alb := m.Rollout != nil && m.Rollout.Spec.Strategy.Canary.TrafficRouting != nil; alb {
				port = "use-annotation"
			}
			if be.Name != m.Service.Name || be.Port.Name != port {
				t.Errorf("Ingress backend %+v, want the Service %s port %s", be, m.Service.Name, port)
			}
			assertHTTPSOnly(t, m.Ingress.Annotations)
			assertDrainsBeforeStopping(t, m)
			if m.PDB == nil || m.HPA == nil {
				t.Errorf("%s: want a PodDisruptionBudget and an HPA", c.name)
			}
			if m.ServiceMonitor == nil || m.PrometheusRule == nil {
				t.Errorf("%s: want the ServiceMonitor and the PrometheusRule", c.name)
			}
		})
	}
}

// TestImageFromTheApplication checks the image lives in one place: no
// environment's values file names one (the chart's default is empty), each
// Application passes it as Helm parameters once released, and the
// Deployment then runs exactly repository@digest; before the first release
// the render fails saying what is missing, so nothing runs.
func TestImageFromTheApplication(t *testing.T) {
	for _, env := range environments {
		t.Run(env, func(t *testing.T) {
			appFile := filepath.Join(appsDir, env, "model-api.yaml")
			app := loadApplication(t, appFile)
			var files []string
			for _, f := range app.Spec.Source.Helm.ValueFiles {
				abs, err := filepath.Abs(filepath.Join(chartDir, f))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, abs)
				var v struct {
					Image map[string]any `json:"image"`
				}
				if err := yaml.Unmarshal(readFile(t, abs), &v); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"repository", "tag", "digest"} {
					if _, ok := v.Image[k]; ok {
						t.Errorf("%s sets image.%s: the image belongs in %s's Helm parameters only", f, k, appFile)
					}
				}
			}
			params := map[string]string{}
			for _, p := range app.Spec.Source.Helm.Parameters {
				params[p.Name] = p.Value
				if strings.HasPrefix(p.Name, "image.") && !p.ForceString {
					t.Errorf("parameter %s: want forceString: true (a numeric-looking tag stays a string)", p.Name)
				}
			}
			opts := render.Options{ChartDir: chartDir, Release: app.Spec.Source.Helm.ReleaseName, Namespace: app.Spec.Destination.Namespace, ValueFiles: files}
			if len(params) == 0 {
				// Not released yet.
				_, err := render.Render(opts)
				if err == nil || !strings.Contains(err.Error(), "image.repository is required") {
					t.Errorf("render without image parameters: %v, want the chart to fail with image.repository is required", err)
				}
				return
			}
			r, err := release.Read(readFile(t, appFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Validate(); err != nil {
				t.Errorf("%s: %v", appFile, err)
			}
			if len(params) != 3 {
				t.Errorf("parameters %v: want image.repository, image.tag and image.digest alone", params)
			}
			if !strings.Contains(r.Repository, ".dkr.ecr.") || !strings.HasSuffix(r.Repository, "/mlops-"+env+"/model-api") {
				t.Errorf("image.repository %q: want the stack's ECR repository <account>.dkr.ecr.<region>.amazonaws.com/mlops-%s/model-api", r.Repository, env)
			}
			if r.Tag != r.Revision {
				t.Errorf("image.tag %q, targetRevision %q: want the image built from the pinned commit", r.Tag, r.Revision)
			}
			opts.Values = map[string]any{"image": map[string]any{"repository": r.Repository, "tag": r.Tag, "digest": r.Digest}}
			m, err := render.Render(opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := container(t, m).Image; got != r.Image() {
				t.Errorf("container image %q, want %q", got, r.Image())
			}
		})
	}
}

// TestNoImageNoRender checks the chart has no default image: without one,
// and with a repository but neither tag nor digest, the render fails
// naming what the release must write.
func TestNoImageNoRender(t *testing.T) {
	cases := map[string]struct {
		values map[string]any
		want   string
	}{
		"nothing":         {nil, "image.repository is required"},
		"repository only": {map[string]any{"image": map[string]any{"repository": "registry.example.com/model-api"}}, "image.tag or image.digest is required"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := render.Render(render.Options{ChartDir: chartDir, Values: c.values})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("render: %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

// assertHTTPSOnly checks an ALB Ingress's listeners: HTTPS on 443, and any
// plain HTTP listener only redirecting to it. The certificate comes from
// the IngressClassParams infra writes (mlops:certificateArn), which wins
// over an annotation, so none is set here.
func assertHTTPSOnly(t *testing.T, ann map[string]string) {
	t.Helper()
	var listeners []map[string]int
	if err := json.Unmarshal([]byte(ann["alb.ingress.kubernetes.io/listen-ports"]), &listeners); err != nil || len(listeners) == 0 {
		t.Fatalf("listen-ports %q (%v): want a JSON list of listeners (the controller's default is HTTP 80 alone)", ann["alb.ingress.kubernetes.io/listen-ports"], err)
	}
	var https, http bool
	for _, l := range listeners {
		for proto, port := range l {
			switch {
			case proto == "HTTPS" && port == 443:
				https = true
			case proto == "HTTP":
				http = true
			default:
				t.Errorf("listener %s:%d: want HTTPS 443, and HTTP only to redirect", proto, port)
			}
		}
	}
	if !https {
		t.Errorf("listen-ports %v: no HTTPS listener on 443", listeners)
	}
	if http && ann["alb.ingress.kubernetes.io/ssl-redirect"] != "443" {
		t.Errorf("an HTTP listener with ssl-redirect %q: want every HTTP request redirected to 443", ann["alb.ingress.kubernetes.io/ssl-redirect"])
	}
	if a, ok := ann["alb.ingress.kubernetes.io/certificate-arn"]; ok {
		t.Errorf("certificate-arn %q in git: the IngressClassParams' certificate (stack config) overrides it", a)
	}
}

// assertDrainsBeforeStopping checks the zero-downtime rollout behind the
// ALB: the target group's deregistration delay is shorter than the preStop
// pause, so a pod serves until the load balancer has drained it, and the
// grace period covers the pause, the drain delay and the shutdown.
func assertDrainsBeforeStopping(t *testing.T, m *render.Manifest) {
	t.Helper()
	attrs := m.Ingress.Annotations["alb.ingress.kubernetes.io/target-group-attributes"]
	var delay time.Duration
	for _, kv := range strings.Split(attrs, ",") {
		if k, v, _ := strings.Cut(strings.TrimSpace(kv), "="); k == "deregistration_delay.timeout_seconds" {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("deregistration delay %q: %v", v, err)
			}
			delay = time.Duration(n) * time.Second
		}
	}
	if delay == 0 {
		t.Fatalf("target-group-attributes %q: want deregistration_delay.timeout_seconds (AWS's default is 300 s)", attrs)
	}
	c := container(t, m)
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	if preStop <= delay {
		t.Errorf("preStop %v: want longer than the deregistration delay %v", preStop, delay)
	}
	grace := time.Duration(*m.PodTemplate().Spec.TerminationGracePeriodSeconds) * time.Second
	if need := preStop + envDuration(t, c, "DRAIN_DELAY") + envDuration(t, c, "SHUTDOWN_TIMEOUT"); grace <= need {
		t.Errorf("terminationGracePeriodSeconds %v: want more than %v", grace, need)
	}
}

// TestRejectedValues renders every testdata/values/invalid-*.yaml, each of
// which must fail with the error its first comment line announces.
func TestRejectedValues(t *testing.T) {
	files, err := filepath.Glob("testdata/values/invalid-*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid values fixtures (%v)", err)
	}
	want := map[string]string{
		"invalid-unknown-key.yaml":                "additional properties 'imag' not allowed",
		"invalid-numeric-tag.yaml":                "/image/tag': got number, want string",
		"invalid-admin-token-without-secret.yaml": "adminToken.existingSecret is required",
		"invalid-severity.yaml":                   "severity",
		"invalid-autoscaling-range.yaml":          "maxReplicas must be at least",
		"invalid-for.yaml":                        "for",
		"invalid-metrics-port.yaml":               "app.metricsPort must differ from app.port",
		"invalid-latency-threshold.yaml":          "thresholdSeconds",
		"invalid-prestop-before-drained.yaml":     "preStopSleepSeconds must exceed ingress.deregistrationDelaySeconds",
		"invalid-target-group-annotation.yaml":    "set ingress.deregistrationDelaySeconds",
		"invalid-alb-without-ingress.yaml":        "rollout.albTrafficRouting needs ingress.enabled",
		"invalid-load-too-short.yaml":             "rollout.load.durationSeconds must exceed",
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			frag, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s: add its expected error to the table", f)
			}
			abs, _ := filepath.Abs(f)
			img, _ := filepath.Abs(testImage)
			_, err := render.Render(render.Options{ChartDir: chartDir, ValueFiles: []string{img, abs}})
			if err == nil || !strings.Contains(err.Error(), frag) {
				t.Errorf("%s: got error %v, want one mentioning %q", f, err, frag)
			}
		})
	}
}

// TestGolden compares the rendered environments with
// testdata/golden/<case>_golden.yaml; go test -run TestGolden -regen
// rewrites them for review in the diff.
func TestGolden(t *testing.T) {
	for _, c := range valuesCases(t) {
		if c.name != "defaults" && c.name != "dev" && c.name != "prod" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			m := renderCase(t, c)
			var buf bytes.Buffer
			for _, o := range m.Objects {
				fmt.Fprintf(&buf, "---\n# Source: %s\n%s\n", o.Source, strings.TrimSpace(o.YAML))
			}
			path := filepath.Join("testdata/golden", c.name+"_golden.yaml")
			if *regen {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -run TestGolden -regen writes it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s: the render differs from %s; review with go test -run TestGolden -regen && git diff", c.name, path)
			}
		})
	}
}

// TestDockerfileContract checks the chart against the image the Dockerfile
// builds: the user it runs as, the port it exposes, and no shell (so the
// preStop hook must be a sleep action, not an exec of sleep).
func TestDockerfileContract(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var user, expose string
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "USER" {
			user = f[1] // the last stage's wins, as in the image
		}
		if len(f) == 2 && f[0] == "EXPOSE" {
			expose = f[1]
		}
	}
	if user == "" || expose == "" {
		t.Fatalf("the Dockerfile has USER %q and EXPOSE %q; want both in its last stage", user, expose)
	}
	uid, _, _ := strings.Cut(user, ":")
	m := renderCase(t, valuesCase{name: "defaults", files: []string{testImage}, release: "model-api", namespace: "model-api-test"})
	c := container(t, m)
	if want := strconv.FormatInt(*c.SecurityContext.RunAsUser, 10); uid != want {
		t.Errorf("the Dockerfile runs as USER %q, the chart as uid %s", user, want)
	}
	if want := strconv.Itoa(int(c.Ports[0].ContainerPort)); strings.TrimSuffix(expose, "/tcp") != want {
		t.Errorf("the Dockerfile exposes %q, the chart's container port is %s", expose, want)
	}
	if c.Lifecycle.PreStop.Exec != nil {
		t.Errorf("preStop runs a command; the image (distroless) has no shell or sleep binary")
	}
}
