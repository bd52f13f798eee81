package promserver

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeAPI is a real HTTP server on 127.0.0.1 answering Prometheus's API
// paths with canned bodies; requests records each request's form.
type fakeAPI struct {
	server   *Server
	requests chan *http.Request
}

func newFakeAPI(t *testing.T, answer func(r *http.Request) (int, string)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{requests: make(chan *http.Request, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case f.requests <- r:
		default:
		}
		code, body := answer(r)
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	f.server = &Server{url: srv.URL, client: srv.Client()}
	return f
}

func TestRun(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name     string
		q        Query
		code     int
		body     string
		wantPath string
		wantForm []string // form keys the request must carry
		want     []Series
		wantErr  string
	}{
		{
			name:     "instant vector",
			q:        Query{Expr: `up == 1`},
			code:     200,
			body:     `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1.5,"1"]},{"metric":{"job":"b"},"value":[1.5,"2.5"]}]}}`,
			wantPath: "/api/v1/query",
			wantForm: []string{"query", "time"},
			want:     []Series{{Metric: map[string]string{"job": "a"}, Values: []float64{1}}, {Metric: map[string]string{"job": "b"}, Values: []float64{2.5}}},
		},
		{
			name:     "range matrix with NaN",
			q:        Query{Expr: `rate(x[5s])`, Range: 30 * time.Second},
			code:     200,
			body:     `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"],[2,"0.25"]]}]}}`,
			wantPath: "/api/v1/query_range",
			wantForm: []string{"query", "start", "end", "step"},
			want:     []Series{{Metric: map[string]string{}, Values: []float64{nan, 0.25}}},
		},
		{
			name:     "scalar",
			q:        Query{Expr: `time()`},
			code:     200,
			body:     `{"status":"success","data":{"resultType":"scalar","result":[1,"42"]}}`,
			wantPath: "/api/v1/query",
			want:     []Series{{Metric: map[string]string{}, Values: []float64{42}}},
		},
		{
			name:     "empty",
			q:        Query{Expr: `nothing`},
			code:     200,
			body:     `{"status":"success","data":{"resultType":"vector","result":[]}}`,
			wantPath: "/api/v1/query",
		},
		{
			name:    "bad query",
			q:       Query{Expr: `sum(`},
			code:    400,
			body:    `{"status":"error","errorType":"bad_data","error":"unclosed left parenthesis"}`,
			wantErr: "promserver: query sum(: bad_data: unclosed left parenthesis",
		},
		{
			name:    "not the API",
			q:       Query{Expr: `up`},
			code:    502,
			body:    `bad gateway`,
			wantErr: "502 Bad Gateway: bad gateway",
		},
		{
			name:    "string result",
			q:       Query{Expr: `"s"`},
			code:    200,
			body:    `{"status":"success","data":{"resultType":"string","result":[1,"s"]}}`,
			wantErr: `result type "string" is not vector, matrix or scalar`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeAPI(t, func(*http.Request) (int, string) { return c.code, c.body })
			got, err := f.server.Run(t.Context(), c.q)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Run error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameSeries(got, c.want) {
				t.Errorf("Run = %v, want %v", got, c.want)
			}
			r := <-f.requests
			if r.Method != http.MethodPost || r.URL.Path != c.wantPath {
				t.Errorf("request %s %s, want POST %s", r.Method, r.URL.Path, c.wantPath)
			}
			if r.PostForm.Get("query") != c.q.Expr {
				t.Errorf("query = %q, want %q", r.PostForm.Get("query"), c.q.Expr)
			}
			for _, k := range c.wantForm {
				if r.PostForm.Get(k) == "" {
					t.Errorf("request lacks %s: %v", k, r.PostForm)
				}
			}
		})
	}
}

// sameSeries compares answers, NaN equal to NaN.
func sameSeries(a, b []Series) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i].Metric, b[i].Metric) || len(a[i].Values) != len(b[i].Values) {
			return false
		}
		for j, v := range a[i].Values {
			w := b[i].Values[j]
			if v != w && !(math.IsNaN(v) && math.IsNaN(w)) {
				return false
			}
		}
	}
	return true
}

func TestHasData(t *testing.T) {
	cases := []struct {
		name string
		res  []Series
		want bool
	}{
		{name: "no series", want: false},
		{name: "no values", res: []Series{{}}, want: false},
		{name: "only NaN and Inf", res: []Series{{Values: []float64{math.NaN(), math.Inf(1)}}, {Values: []float64{math.Inf(-1)}}}, want: false},
		{name: "a zero", res: []Series{{Values: []float64{math.NaN()}}, {Values: []float64{0}}}, want: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := HasData(c.res); got != c.want {
				t.Errorf("HasData(%v) = %v, want %v", c.res, got, c.want)
			}
		})
	}
}

func TestWaitForData(t *testing.T) {
	const (
		empty = `{"status":"success","data":{"resultType":"vector","result":[]}}`
		nan   = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}`
		data  = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"3"]}]}}`
	)
	cases := []struct {
		name    string
		answers []string // in turn; the last one repeats
		timeout time.Duration
		want    []Series
		wantErr string
	}{
		{name: "data at once", answers: []string{data}, timeout: time.Hour, want: []Series{{Metric: map[string]string{"a": "b"}, Values: []float64{3}}}},
		{name: "data after empty and NaN answers", answers: []string{empty, nan, data}, timeout: time.Hour, want: []Series{{Metric: map[string]string{"a": "b"}, Values: []float64{3}}}},
		{name: "never", answers: []string{nan}, timeout: 0, wantErr: "promserver: no data for up within 0s: last answer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int64
			f := newFakeAPI(t, func(*http.Request) (int, string) {
				i := int(calls.Add(1)) - 1
				return 200, c.answers[min(i, len(c.answers)-1)]
			})
			got, err := f.server.WaitForData(t.Context(), Query{Expr: "up"}, c.timeout)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("WaitForData error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil || !sameSeries(got, c.want) {
				t.Fatalf("WaitForData = %v, %v; want %v", got, err, c.want)
			}
			if n := int(calls.Load()); n != len(c.answers) {
				t.Errorf("%d queries, want %d", n, len(c.answers))
			}
		})
	}
}

func TestWaitForDataCanceled(t *testing.T) {
	f := newFakeAPI(t, func(*http.Request) (int, string) {
		return 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.server.WaitForData(ctx, Query{Expr: "up"}, time.Hour); err == nil {
		t.Fatal("WaitForData with a canceled context succeeded")
	}
}

func TestLabelValues(t *testing.T) {
	f := newFakeAPI(t, func(*http.Request) (int, string) {
		return 200, `{"status":"success","data":["pod-0","pod-1"]}`
	})
	got, err := f.server.LabelValues(t.Context(), "pod", `up{job="a"}`, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"pod-0", "pod-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("LabelValues = %v, want %v", got, want)
	}
	r := <-f.requests
	if r.Method != http.MethodGet || r.URL.Path != "/api/v1/label/pod/values" || r.Form.Get("match[]") != `up{job="a"}` || r.Form.Get("start") == "" || r.Form.Get("end") == "" {
		t.Errorf("request %s %s %v, want GET /api/v1/label/pod/values with match[], start and end", r.Method, r.URL.Path, r.Form)
	}
}

func TestAlerts(t *testing.T) {
	f := newFakeAPI(t, func(*http.Request) (int, string) {
		return 200, `{"status":"success","data":{"alerts":[{"labels":{"alertname":"Down"},"annotations":{"summary":"s"},"state":"firing","value":"1e+00"}]}}`
	})
	got, err := f.server.Alerts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []Alert{{Labels: map[string]string{"alertname": "Down"}, Annotations: map[string]string{"summary": "s"}, State: "firing", Value: "1e+00"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Alerts = %+v, want %+v", got, want)
	}
	if r := <-f.requests; r.URL.Path != "/api/v1/alerts" {
		t.Errorf("request path %s, want /api/v1/alerts", r.URL.Path)
	}
}
