# Tracking: the run store's HTML report, opened in headless Chromium.

E2E_TARGETS += e2e-tracking

# Debian's chromium (.ci/apt.d/tracking.txt); the flags that keep it off the
# network are in the test (training/internal/cli/report/report_e2e_test.go).
CHROMIUM ?= /usr/bin/chromium

## e2e-tracking: train twice and tune, write the report, open it in headless Chromium (every chart, no console errors, no requests); the report's fANOVA importances against Optuna's (python3-optuna)
.PHONY: e2e-tracking
e2e-tracking:
	cd training && MLOPS_E2E=1 MLOPS_CHROMIUM=$(CHROMIUM) MLOPS_SCREENSHOT=$(CURDIR)/reports/e2e-report.png MLOPS_PYTHON=$(PYTHON) \
		$(GO) test -count=1 -timeout 20m -run '^TestE2E' -v ./internal/cli/report/ ./internal/tune/importance/

## report-screenshot: refresh docs/report.png (the README's picture of the report) with the same test
.PHONY: report-screenshot
report-screenshot:
	cd training && MLOPS_E2E=1 MLOPS_CHROMIUM=$(CHROMIUM) MLOPS_SCREENSHOT=$(CURDIR)/docs/report.png \
		$(GO) test -count=1 -run '^TestE2EReportInChromium$$' ./internal/cli/report/

## fuzz-tracking: run the run-record parser's fuzz target briefly (FUZZTIME)
.PHONY: fuzz-tracking
fuzz-tracking:
	cd training && $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/tracking

# make fuzz (and so make test) runs this too.
fuzz: fuzz-tracking
