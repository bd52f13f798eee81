package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/poll"
	"github.com/mlopsgo/mlops/testsupport/procrun"
	"github.com/mlopsgo/mlops/testsupport/promserver"
	"github.com/mlopsgo/mlops/testsupport/traffic"
)

// e2eNamespace is the namespace label every scenario's series get, as a
// ServiceMonitor would give them.
const e2eNamespace = "e2e"

// scenario is one Helm release of the chart whose alert rules a real
// Prometheus evaluates against a real model-api driven into one condition.
type scenario struct {
	release string
	// values go over testdata/values-e2e.yaml for this release only.
	values map[string]any
	// want are the alerts the condition must raise, as "name/severity";
	// none for the control, which must raise none.
	want []string
	// recover, when set, ends the condition once every wanted alert fires;
	// each wanted alert must then resolve.
	recover func()
	// env is model-api's extra environment.
	env []string
	// noTarget leaves the release without a model-api and a scrape job.
	noTarget bool

	job  string // the Service's name: the scrape job the rules select
	rule []byte // the rendered rule file
	api  *modelapi.Server
}

// TestE2EAlerts renders the chart once per scenario (pending periods cut
// to seconds and the SLO windows to 5..72 seconds by
// testdata/values-e2e.yaml), loads every rendered rule file into a real
// Prometheus scraping one real model-api per scenario every second, drives
// each model-api into its alerts' condition, and waits until Prometheus's
// API shows each alert firing, and none for the control; then it ends the
// SLO scenarios' conditions and waits until their alerts resolve:
//
//   - healthy: Iris rows from data/iris.csv; no alert.
//   - errors: its bundles broken on disk, reloads through /admin/reload
//     fail with 500 beside successful predictions, half the requests:
//     ModelAPIAvailabilityBudgetBurn, page and ticket; once the reloads
//     stop, both resolve.
//   - slow: v2 infer requests of 1000 rows against a latency SLO lowered to
//     0.5 ms for this release (a prediction takes microseconds, so no real
//     traffic exceeds the 250 ms default here): ModelAPILatencyBudgetBurn,
//     page and ticket; once the requests are single rows, both resolve.
//   - drift: every input at the edge of the training range:
//     ModelAPIInputDrift.
//   - down: the process stopped after its first scrapes:
//     ModelAPIUnavailable (its only pod) and ModelAPIDown.
//   - notready: started on an empty models folder, so /readyz and
//     model_api_ready stay 0: ModelAPIUnavailable and ModelAPIDown.
//   - restarts: the process restarted three times on its address:
//     ModelAPIRestarting (its process_start_time_seconds branch).
//   - gone: no scrape target at all: ModelAPIDown (absent(up)).
//
// The other branches (kube-state-metrics restarts, the slower burn-rate
// window pairs) and every silent case are covered by promtool's unit tests
// with the production windows (TestE2EPromtool).
func TestE2EAlerts(t *testing.T) {
	requireE2E(t)
	models := procrun.Program(t, "MODELS_DIR", "make e2e-gitops trains them")
	ctx := t.Context()

	brokenModels := copyDir(t, models)
	var reloadsFail, slowInfer atomic.Bool
	reloadsFail.Store(true)
	slowInfer.Store(true)
	scenarios := []*scenario{
		{release: "healthy"},
		{
			release: "errors", env: []string{"MODEL_DIR=" + brokenModels, "ADMIN_TOKEN=e2e-token"},
			want:    []string{"ModelAPIAvailabilityBudgetBurn/page", "ModelAPIAvailabilityBudgetBurn/ticket"},
			recover: func() { reloadsFail.Store(false) },
		},
		{
			release: "slow", values: map[string]any{
				"prometheusRule": map[string]any{"slo": map[string]any{"latency": map[string]any{"thresholdSeconds": 0.0005}}},
			},
			want:    []string{"ModelAPILatencyBudgetBurn/page", "ModelAPILatencyBudgetBurn/ticket"},
			recover: func() { slowInfer.Store(false) },
		},
		{release: "drift", want: []string{"ModelAPIInputDrift/ticket"}},
		{release: "down", want: []string{"ModelAPIUnavailable/ticket", "ModelAPIDown/page"}},
		{release: "notready", want: []string{"ModelAPIUnavailable/ticket", "ModelAPIDown/page"}, env: []string{"MODEL_DIR=" + t.TempDir()}},
		{release: "restarts", want: []string{"ModelAPIRestarting/ticket"}},
		{release: "gone", want: []string{"ModelAPIDown/page"}, noTarget: true},
	}
	byRelease := map[string]*scenario{}
	rules := map[string][]byte{}
	var config promserver.Config
	for _, s := range scenarios {
		m := renderChart(t, render.Options{
			Release: s.release, Namespace: e2eNamespace,
			ValueFiles: []string{"testdata/values-e2e.yaml"}, Values: s.values,
		})
		rule, err := m.RuleFile()
		if err != nil {
			t.Fatal(err)
		}
		s.job, s.rule = m.Service.Name, rule
		rules[s.release+".rules.yaml"] = rule
		byRelease[s.release] = s
		if s.noTarget {
			continue
		}
		// Up by /healthz: notready's model-api never answers /readyz.
		s.api = modelapi.Start(t, modelapi.Options{ModelDir: models, Env: s.env, ReadyPath: "/healthz"})
		// As a ServiceMonitor's target: job is the Service's name, plus
		// the namespace and pod labels.
		config.Jobs = append(config.Jobs, promserver.Job{Name: s.job, Targets: []promserver.Target{
			{Addr: s.api.Addr(), Labels: map[string]string{"namespace": e2eNamespace, "pod": s.job + "-0"}},
		}})
	}
	for name := range rules {
		config.RuleFiles = append(config.RuleFiles, name)
	}
	slices.Sort(config.RuleFiles)
	prom := promserver.Start(t, promserver.Options{Config: config, Files: rules})

	if !poll.Until(ctx, 30*time.Second, 250*time.Millisecond, func() bool {
		up, err := prom.Query(ctx, fmt.Sprintf(`count(up{namespace=%q} == 1)`, e2eNamespace))
		return err == nil && len(up) == 1 && up[0].Values[0] == float64(len(scenarios)-1)
	}) {
		t.Fatalf("Prometheus does not scrape all %d model-api targets", len(scenarios)-1)
	}
	start := time.Now()

	// Break the errors scenario's bundles: every reload from now on fails.
	if err := os.WriteFile(filepath.Join(brokenModels, "index.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	drive(t, byRelease, readCSV(t, "../../data/iris.csv"), &reloadsFail, &slowInfer)

	// down: stop it now that Prometheus has scraped it.
	byRelease["down"].api.Stop()
	// restarts: three new processes, each seen by a scrape.
	restart(t, prom, byRelease["restarts"], 3)

	// Wait until every expected alert fires, then watch a few seconds more;
	// the control must stay silent throughout.
	type seen struct{ pending, firing, resolved time.Duration }
	got := map[string]*seen{}
	var last []promserver.Alert
	active := map[string]bool{}
	observe := func() {
		alerts, err := prom.Alerts(ctx)
		if err != nil {
			return
		}
		last = alerts
		clear(active)
		for _, a := range alerts {
			if alertJob(a) == byRelease["healthy"].job {
				t.Errorf("the healthy control raised %s (%s): %s", a.Labels["alertname"], a.State, a.Annotations["description"])
			}
			key := a.Labels["alertname"] + "/" + a.Labels["severity"] + " " + alertJob(a)
			active[key] = true
			if got[key] == nil {
				got[key] = &seen{}
			}
			if a.State == "pending" && got[key].pending == 0 {
				got[key].pending = time.Since(start)
			}
			if a.State == "firing" && got[key].firing == 0 {
				got[key].firing = time.Since(start)
			}
		}
	}
	firing := func(s *scenario, want string) bool {
		g := got[want+" "+s.job]
		return g != nil && g.firing > 0
	}
	ok := poll.Until(ctx, 90*time.Second, 250*time.Millisecond, func() bool {
		observe()
		for _, s := range scenarios {
			for _, w := range s.want {
				if !firing(s, w) {
					return false
				}
			}
		}
		return true
	})
	if ok {
		poll.Until(ctx, 5*time.Second, 250*time.Millisecond, func() bool { observe(); return false })
	}
	for _, s := range scenarios {
		for _, w := range s.want {
			g := got[w+" "+s.job]
			switch {
			case g == nil:
				t.Errorf("%s: %s never became pending or firing", s.release, w)
			case g.firing == 0:
				t.Errorf("%s: %s pending after %v but not firing", s.release, w, g.pending.Round(time.Second))
			default:
				pending := "already firing when first seen"
				if g.pending > 0 {
					pending = fmt.Sprintf("pending after %4.1fs", g.pending.Seconds())
				}
				t.Logf("%-9s %-38s %s, firing after %4.1fs", s.release, w, pending, g.firing.Seconds())
			}
		}
	}
	if !ok {
		t.Logf("alerts at the end: %+v", last)
	}

	// End the SLO scenarios' conditions: each of their alerts must resolve
	// (leave Prometheus's alerts) once its short window is clean.
	recovered := time.Now()
	var recovering []*scenario
	for _, s := range scenarios {
		if s.recover != nil && ok {
			s.recover()
			recovering = append(recovering, s)
		}
	}
	resolved := poll.Until(ctx, 60*time.Second, 250*time.Millisecond, func() bool {
		observe()
		done := true
		for _, s := range recovering {
			for _, w := range s.want {
				g := got[w+" "+s.job]
				if active[w+" "+s.job] {
					done = false
				} else if g != nil && g.resolved == 0 {
					g.resolved = time.Since(recovered)
				}
			}
		}
		return done
	})
	for _, s := range recovering {
		for _, w := range s.want {
			if g := got[w+" "+s.job]; g == nil || g.resolved == 0 {
				t.Errorf("%s: %s still active %v after its condition ended", s.release, w, time.Since(recovered).Round(time.Second))
			} else {
				t.Logf("%-9s %-38s resolved %4.1fs after its condition ended", s.release, w, g.resolved.Seconds())
			}
		}
	}
	if !resolved {
		t.Logf("alerts at the end: %+v", last)
	}

	// The series the rules read exist, with the labels they select by: the
	// unit tests check the names against app/telemetry, this checks
	// model-api really exports them, the latency SLO's bucket bound
	// included.
	healthy := byRelease["healthy"].job
	for _, q := range []string{
		"up", "process_start_time_seconds", telemetry.HTTPRequestsTotal, telemetry.HTTPRequestDurationSeconds + "_bucket",
		telemetry.HTTPRequestDurationSeconds + "_count", telemetry.InputDriftScore, telemetry.Ready,
	} {
		q := fmt.Sprintf(`{__name__=%q,job=%q,namespace=%q}`, q, healthy, e2eNamespace)
		if r, err := prom.Query(ctx, q); err != nil || len(r) == 0 {
			t.Errorf("no series %s (%v)", q, err)
		}
	}
	for _, q := range []string{
		fmt.Sprintf(`%s_bucket{job=%q,le="0.25",route="/predict/batch"}`, telemetry.HTTPRequestDurationSeconds, healthy),
		fmt.Sprintf(`%s_bucket{job=%q,le="0.0005",route="/v2/models/{name}/infer"}`, telemetry.HTTPRequestDurationSeconds, byRelease["slow"].job),
	} {
		if r, err := prom.Query(ctx, q); err != nil || len(r) == 0 {
			t.Errorf("no series %s (%v): the latency SLO's bucket bound or route is not what model-api exports", q, err)
		}
	}
	for _, a := range last {
		if s := byRelease[strings.TrimSuffix(alertJob(a), "-model-api")]; s != nil && slices.Contains(s.want, a.Labels["alertname"]+"/"+a.Labels["severity"]) && a.State == "firing" {
			t.Logf("  %s/%s: %s", s.release, a.Labels["alertname"], a.Annotations["description"])
		}
	}
}

// alertJob returns the scrape job an alert is about: its job label, or for
// ModelAPIRestarting (by namespace and pod) the job its pod label names
// here (<job>-0).
func alertJob(a promserver.Alert) string {
	if j := a.Labels["job"]; j != "" {
		return j
	}
	return strings.TrimSuffix(a.Labels["pod"], "-0")
}

// drive sends each scenario's traffic every 200ms until the test ends, so
// counters and histograms grow across scrapes (a series first scraped at
// its final value shows no rate). errors reloads its broken bundles while
// reloadsFail holds; slow sends 1000-row v2 infer requests while slowInfer
// holds, single rows after.
func drive(t *testing.T, byRelease map[string]*scenario, iris []map[string]float64, reloadsFail, slowInfer *atomic.Bool) {
	t.Helper()
	big := make([]map[string]float64, 0, 1000)
	for len(big) < 1000 {
		big = append(big, iris[len(big)%len(iris)])
	}
	// The largest training values of Iris: inside the valid range, far
	// from the training distribution.
	edge := map[string]float64{"sepal_length": 7.9, "sepal_width": 4.4, "petal_length": 6.9, "petal_width": 2.5}
	var (
		batch     = jsonBody(t, map[string]any{"features_list": iris})
		edgeRow   = jsonBody(t, map[string]any{"features": edge})
		bigInfer  = inferBody(t, big)
		oneInfer  = inferBody(t, iris[:1])
		inferPath = "/v2/models/" + inferModel + "/infer"
	)
	// 3000 steps (10 minutes) outlast every wait of TestE2EAlerts.
	traffic.Start(t, traffic.Options{Every: 200 * time.Millisecond, Max: 3000}, func(ctx context.Context, _ int) {
		send := func(s, path, body string, headers ...string) {
			if code, _ := byRelease[s].api.Post(ctx, path, body, headers...); code == 0 && ctx.Err() == nil {
				t.Logf("%s %s: no answer", s, path)
			}
		}
		send("healthy", "/predict/batch", batch)
		send("errors", "/predict/batch", batch)
		if reloadsFail.Load() {
			send("errors", "/admin/reload", "", "Authorization: Bearer e2e-token")
		} else {
			send("errors", "/predict/batch", batch)
		}
		if slowInfer.Load() {
			send("slow", inferPath, bigInfer)
		} else {
			send("slow", inferPath, oneInfer)
		}
		send("drift", "/predict", edgeRow)
		send("drift", "/predict", edgeRow)
	})
}

// inferModel is the model the slow scenario's v2 infer requests name.
const inferModel = "random_forest"

// inferBody renders rows as a v2 (Open Inference Protocol) infer request:
// one FP64 tensor of shape [rows, features], Iris's features in order.
func inferBody(t *testing.T, rows []map[string]float64) string {
	t.Helper()
	features := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	data := make([]float64, 0, len(rows)*len(features))
	for _, r := range rows {
		for _, f := range features {
			data = append(data, r[f])
		}
	}
	return jsonBody(t, map[string]any{"inputs": []map[string]any{
		{"name": "input-0", "shape": []int{len(rows), len(features)}, "datatype": "FP64", "data": data},
	}})
}

// jsonBody renders v as a request body.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// restart stops and starts the scenario's model-api n times on the same
// address, each time waiting until Prometheus has scraped the new
// process's start time.
func restart(t *testing.T, prom *promserver.Server, s *scenario, n int) {
	t.Helper()
	ctx := t.Context()
	q := fmt.Sprintf(`process_start_time_seconds{job=%q}`, s.job)
	startTime := func() (float64, bool) {
		r, err := prom.Query(ctx, q)
		if err != nil || len(r) != 1 {
			return 0, false
		}
		return r[0].Values[0], true
	}
	var prev float64
	if !poll.Until(ctx, 20*time.Second, 250*time.Millisecond, func() bool {
		v, ok := startTime()
		prev = v
		return ok
	}) {
		t.Fatalf("no %s scraped", q)
	}
	for i := range n {
		s.api.Restart(t)
		if !poll.Until(ctx, 20*time.Second, 250*time.Millisecond, func() bool {
			v, ok := startTime()
			if ok && v != prev {
				prev = v // a new process, a new start time
				return true
			}
			return false
		}) {
			t.Fatalf("restart %d: Prometheus did not scrape the new process's start time", i+1)
		}
	}
}

// copyDir copies the files of dir into a new temporary folder.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
