package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mlopsgo/mlops/training/internal/cli"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// TestE2EReportInChromium trains twice on Iris (the repository's
// params.yaml, two seeds) and tunes two models, writes the report, and
// opens it in headless Chromium (Debian's chromium) with the flags that
// keep it off the network: every chart must be drawn, the tuning section's
// included, the console must stay free of errors, and the page must request
// nothing but itself. With MLOPS_SCREENSHOT=FILE it saves a screenshot of
// the top of the page there, and one of the tuning section beside it
// (FILE-tuning.png).
//
// It runs under `make e2e-tracking` (MLOPS_E2E=1; MLOPS_CHROMIUM names the
// browser, default /usr/bin/chromium).
func TestE2EReportInChromium(t *testing.T) {
	if os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end test: set MLOPS_E2E=1 (make e2e-tracking)")
	}
	browser := os.Getenv("MLOPS_CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		t.Fatalf("chromium not found at %s (make e2e-deps installs Debian's chromium): %v", browser, err)
	}

	dir := t.TempDir()
	runsDir := filepath.Join(dir, "runs")
	page1 := filepath.Join(dir, "report.html")
	models := trainTwice(t, dir, runsDir)
	tuneID, tuned := tuneIris(t, dir, runsDir)
	mlops(t, "report", "--runs-dir", runsDir, "-o", page1)
	// The runs recorded the data file by its absolute path; the page names
	// it relative to the repository.
	html, err := os.ReadFile(page1)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("<dd>data/iris.csv · md5")) {
		t.Error("the page does not name the data file as data/iris.csv")
	}
	if !bytes.Contains(html, []byte("<p>Tune run <code>"+tuneID+"</code>")) {
		t.Errorf("the page does not show tune run %s", tuneID)
	}
	if i := bytes.Index(html, []byte(repo+string(filepath.Separator))); i >= 0 {
		t.Errorf("the page shows the repository's absolute path %s: ...%s...", repo, html[max(0, i-100):min(len(html), i+100)])
	}

	want := []string{
		"chart-class-distribution", "chart-scatter-sepal_length-sepal_width", "chart-scatter-petal_length-petal_width",
		"chart-scatter-matrix", "chart-metric-comparison", "chart-cv-distribution", "chart-learning-curves",
	}
	for _, m := range models {
		want = append(want, "chart-confusion-"+m)
	}
	want = append(want, "chart-runs-over-time")
	for _, m := range tuned {
		want = append(want, "chart-tune-"+m+"-history", "chart-tune-"+m+"-importance", "chart-tune-"+m+"-scores")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	userData := t.TempDir()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(userData),
		chromedp.WindowSize(1280, 1600),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	var mu sync.Mutex
	var requests, problems []string
	if err := chromedp.Listen(tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				problems = append(problems, fmt.Sprintf("console.%s: %v", ev.Type, ev.Args))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}); err != nil {
		t.Fatal(err)
	}

	url := "file://" + page1
	if err := chromedp.Do(tab, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#chart-runs-over-time svg"))); err != nil {
		t.Fatalf("open the report: %v", err)
	}
	type chart struct {
		ID       string  `json:"id"`
		Width    float64 `json:"w"`
		Height   float64 `json:"h"`
		Elements int     `json:"n"`
		Caption  string  `json:"caption"`
	}
	charts, err := chromedp.Run(tab, chromedp.Evaluate[[]chart](`Array.from(document.querySelectorAll("figure.chart")).map(f => {
		const svg = f.querySelector("svg"), r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
		return {id: f.id, w: r.width, h: r.height, n: svg ? svg.querySelectorAll("path, text").length : 0,
			caption: (f.querySelector("figcaption") || {}).textContent || ""};
	})`))
	if err != nil {
		t.Fatalf("read the charts: %v", err)
	}
	var ids []string
	for _, c := range charts {
		ids = append(ids, c.ID)
		if c.Width < 150 || c.Height < 100 || c.Elements < 10 || c.Caption == "" {
			t.Errorf("chart %s is not drawn: %.0fx%.0f px, %d elements, caption %q", c.ID, c.Width, c.Height, c.Elements, c.Caption)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("charts on the page:\n %v\nwant\n %v", ids, want)
	}
	// Text must be laid out in a real font: a chart title has a width.
	titleWidth, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.querySelector("#chart-metric-comparison svg text").getBBox().width`))
	if err != nil || titleWidth < 20 {
		t.Errorf("chart text not rendered (width %v, %v)", titleWidth, err)
	}

	if shot := os.Getenv("MLOPS_SCREENSHOT"); shot != "" {
		saveScreenshot(tab, t, shot)
	}
	// Give late events (a lazy image, a font) a moment to show up.
	if err := chromedp.Do(tab, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range requests {
		if r != url {
			t.Errorf("the page requested %s; it must load nothing", r)
		}
	}
	if len(requests) == 0 {
		t.Error("no request seen at all: is the network listener working?")
	}
	for _, p := range problems {
		t.Errorf("browser reported %s", p)
	}
	t.Logf("%d charts drawn, %d request(s), %d browser problem(s)", len(charts), len(requests), len(problems))
}

// saveScreenshot writes the top of the page (header, data and model
// charts), laid out 1640 px wide and scaled down to 1148 px, as a PNG at
// path, and the same area from the tuning section's heading at
// path-tuning.png.
func saveScreenshot(tab context.Context, t *testing.T, path string) {
	t.Helper()
	const vw, vh, scale = 1640, 2200, 0.7
	const w, h = int(vw * scale), int(vh * scale)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(vw, vh)); err != nil {
		t.Fatal(err)
	}
	// The tuning section starts below the fold: its own picture starts at
	// its heading.
	tuningTop, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.getElementById("tuning").getBoundingClientRect().top + window.scrollY - 8`))
	if err != nil {
		t.Fatalf("find the tuning section: %v", err)
	}
	for _, shot := range []struct {
		path string
		top  float64
	}{
		{path, 0},
		{strings.TrimSuffix(path, ".png") + "-tuning.png", tuningTop},
	} {
		top := shot.top
		var beyond *bool
		if top > 0 {
			beyond = new(bool)
			*beyond = true
		}
		data, err := chromedp.Run(tab, func(ctx context.Context, tgt *chromedp.Target) ([]byte, error) {
			res, err := cdp.Call(ctx, tgt, page.CaptureScreenshot, page.CaptureScreenshotParams{
				Format: page.CaptureScreenshotFormatPng,
				Clip:   &page.Viewport{X: 0, Y: top, Width: vw, Height: vh, Scale: scale},
				// The tuning section's clip reaches below the viewport.
				CaptureBeyondViewport: beyond,
			})
			if err != nil {
				return nil, err
			}
			return res.Data, nil
		})
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
		}
		if err := os.MkdirAll(filepath.Dir(shot.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot.path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", shot.path, len(data))
	}
}

// trainTwice trains the repository's params.yaml (data path made
// absolute) with two seeds, recording two runs; it returns the model names.
func trainTwice(t *testing.T, dir, runsDir string) []string {
	t.Helper()
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(repo, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(base), "path: data/iris.csv", "path: "+filepath.Join(repo, "data", "iris.csv"), 1)
	for i, seed := range []string{"seed: 42", "seed: 7"} {
		params := filepath.Join(dir, fmt.Sprintf("params%d.yaml", i))
		if err := os.WriteFile(params, []byte(strings.Replace(text, "seed: 42", seed, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		mlops(t, "train", "--params", params, "--models-dir", filepath.Join(dir, "models"), "--metrics", filepath.Join(dir, "metrics.json"), "--runs-dir", runsDir)
	}
	var names []string
	entries, err := os.ReadDir(filepath.Join(dir, "models"))
	if err != nil {
		t.Fatal(err)
	}
	// Models in params.yaml order, as the run records them.
	out := mlops(t, "runs", "show", "latest", "--json", "--runs-dir", runsDir)
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		if name != "index" {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return strings.Index(out, `"name": "`+a+`"`) - strings.Index(out, `"name": "`+b+`"`)
	})
	return names
}

// tuneIris runs `mlops tune` on svm and decision_tree with the
// repository's Iris params (data path made absolute, 2 outer folds, 16
// trials per search), recording a tune run in runsDir, and returns its id
// and the tuned models.
func tuneIris(t *testing.T, dir, runsDir string) (string, []string) {
	t.Helper()
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(repo, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("path: data/iris.csv", "path: "+filepath.Join(repo, "data", "iris.csv"),
		"folds: 10", "folds: 2", "repeats: 5", "repeats: 1").Replace(string(base))
	params := filepath.Join(dir, "params-tune.yaml")
	if err := os.WriteFile(params, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mlops(t, "tune", "--params", params, "--models", "svm,decision_tree", "--trials", "16", "--runs-dir", runsDir)
	r, err := tracking.New(slog.New(slog.DiscardHandler), tracking.Options{Dir: runsDir}).Resolve("latest")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != tracking.KindTune || r.Tune == nil || r.Status != tracking.StatusFinished {
		t.Fatalf("the latest run is not a finished tune run: %s %s %s", r.ID, r.Kind, r.Status)
	}
	var names []string
	for _, m := range r.Tune.Models {
		names = append(names, m.Name)
	}
	return r.ID, names
}

func mlops(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Main(t.Context(), args, cli.Streams{Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("mlops %s exited %d:\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}
