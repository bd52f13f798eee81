package loadtest

import (
	"testing"
	"time"
)

// The summary of wrk 4.1.0 with --latency.
const wrkOutput = `Running 5s test @ http://127.0.0.1:8080/predict
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   178.12us  300.45us  12.01ms   98.00%
    Req/Sec    40.12k     1.20k   42.00k    80.00%
  Latency Distribution
     50%  150.00us
     75%  180.00us
     90%  220.00us
     99%    1.25ms
  199624 requests in 5.00s, 60.11MB read
Requests/sec:  39924.80
Transfer/sec:     12.02MB
`

func TestParseWrk(t *testing.T) {
	f, err := parseWrk(wrkOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := Figure{RPS: 39924.80, P50: 150 * time.Microsecond, P99: 1250 * time.Microsecond}
	if f != want {
		t.Errorf("parseWrk = %+v, want %+v", f, want)
	}
	if _, err := parseWrk(wrkOutput + "  Non-2xx or 3xx responses: 12\n"); err == nil {
		t.Error("a run with non-2xx responses parsed without error")
	}
	if _, err := parseWrk("garbage"); err == nil {
		t.Error("garbage parsed without error")
	}
}

func TestMedian(t *testing.T) {
	got := medianFigure([]Figure{{RPS: 3, P99: 3}, {RPS: 1, P99: 9}, {RPS: 2, P99: 1}})
	if got.RPS != 2 || got.P99 != 3 {
		t.Errorf("median %+v, want RPS 2 and P99 3", got)
	}
}

func TestP99FromExposition(t *testing.T) {
	const text = `# TYPE model_api_http_request_duration_seconds histogram
model_api_http_request_duration_seconds_bucket{code="200",method="POST",route="/predict",le="0.0001"} 900
model_api_http_request_duration_seconds_bucket{code="200",method="POST",route="/predict",le="0.00025"} 989
model_api_http_request_duration_seconds_bucket{code="200",method="POST",route="/predict",le="0.0005"} 995
model_api_http_request_duration_seconds_bucket{code="200",method="POST",route="/predict",le="+Inf"} 1000
model_api_http_request_duration_seconds_bucket{code="422",method="POST",route="/predict",le="+Inf"} 5
model_api_http_request_duration_seconds_bucket{code="200",method="GET",route="/healthz",le="0.0001"} 1
`
	got, err := p99FromExposition(text, "/predict")
	if err != nil {
		t.Fatal(err)
	}
	if got != 0.0005 {
		t.Errorf("p99 bucket %v, want 0.0005 (995 of 1000 at or below it)", got)
	}
	if _, err := p99FromExposition(text, "/nope"); err == nil {
		t.Error("a missing route gave no error")
	}
}
