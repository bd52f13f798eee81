package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// browserEvents collects what the page did.
type browserEvents struct {
	mu       sync.Mutex
	requests []string
	problems []string
}

func (b *browserEvents) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	case *network.EventLoadingFailed:
		b.problems = append(b.problems, "loading failed: "+e.ErrorText)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
			b.problems = append(b.problems, fmt.Sprintf("console.%s", e.Type))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			b.problems = append(b.problems, fmt.Sprintf("browser log %s (%s): %s %s", e.Entry.Level, e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

// TestE2EDocsPage loads /docs in headless Chromium kept off the network,
// sends the /predict try-it form, and checks that the page logged no error
// and requested nothing but the server.
func TestE2EDocsPage(t *testing.T) {
	requireE2E(t)
	chromium := procrun.Program(t, "CHROMIUM", "install the Debian package chromium (make e2e-deps)")
	api := modelapi.Start(t, modelapi.Options{})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // as root, Chromium has no sandbox to use
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	events := &browserEvents{}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(events.listen))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	form := `form.try[data-path="/predict"]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(api.URL()+"/docs"),
		chromedp.WaitVisible(form+` button`),
		chromedp.Click(form+` button`),
		chromedp.WaitVisible(form+` pre.out[data-status]`),
	); err != nil {
		t.Fatalf("browse /docs: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Text(form+` pre.out`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "200 ") || !strings.Contains(out, `"species"`) {
		t.Errorf("the try-it form's answer is %q, want a 200 with a prediction", out)
	}
	if !strings.Contains(title, "Classification API") {
		t.Errorf("title %q", title)
	}
	if dir := os.Getenv("E2E_ARTIFACTS"); dir != "" {
		img, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
		if err != nil {
			t.Errorf("screenshot: %v", err)
		} else if err := os.WriteFile(filepath.Join(dir, "docs.jpg"), img, 0o644); err != nil {
			t.Error(err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err == nil {
			if img, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "docs-top.png"), img, 0o644)
			}
		}
		if img, err := chromedp.Run(ctx, chromedp.Screenshot(`section#post-predict`)); err == nil {
			_ = os.WriteFile(filepath.Join(dir, "docs-predict.png"), img, 0o644)
		}
	}

	events.mu.Lock()
	defer events.mu.Unlock()
	for _, p := range events.problems {
		t.Errorf("page problem: %s", p)
	}
	sawDocs, sawPredict := false, false
	for _, u := range events.requests {
		if !strings.HasPrefix(u, api.URL()+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s, outside the server", u)
		}
		sawDocs = sawDocs || u == api.URL()+"/docs"
		sawPredict = sawPredict || u == api.URL()+"/predict"
	}
	if !sawDocs || !sawPredict {
		t.Errorf("requests %v: want /docs and the form's /predict", events.requests)
	}
}
