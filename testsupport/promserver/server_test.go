package promserver

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With PROMSERVER_FAKE=1 this test binary stands in for prometheus: it
// takes the flags Start passes, answers /-/ready, and serves the files in
// its configuration's folder, so TestStart can check what Start wrote.
func TestMain(m *testing.M) {
	if os.Getenv("PROMSERVER_FAKE") == "1" {
		os.Exit(fakePrometheus(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakePrometheus(args []string) int {
	fs := flag.NewFlagSet("prometheus", flag.ContinueOnError)
	config := fs.String("config.file", "", "")
	storage := fs.String("storage.tsdb.path", "", "")
	listen := fs.String("web.listen-address", "", "")
	fs.String("log.level", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *config == "" || *storage == "" || !strings.HasPrefix(*listen, "127.0.0.1:") {
		fmt.Fprintf(os.Stderr, "fake prometheus: flags %q\n", args)
		return 2
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/-/ready", func(http.ResponseWriter, *http.Request) {})
	mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(filepath.Dir(*config)))))
	fmt.Fprintln(os.Stderr, http.ListenAndServe(*listen, mux))
	return 1
}

func TestStart(t *testing.T) {
	t.Setenv("PROMSERVER_FAKE", "1")
	c := Config{RuleFiles: []string{"a.rules.yaml"}, Jobs: []Job{{Name: "api", Targets: []Target{{Addr: "127.0.0.1:1"}}}}}
	s := Start(t, Options{Bin: os.Args[0], Config: c, Files: map[string][]byte{"a.rules.yaml": []byte("groups: []\n")}})
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback address", s.URL())
	}
	for name, want := range map[string]string{"prometheus.yml": string(c.YAML()), "a.rules.yaml": "groups: []\n"} {
		resp, err := http.Get(s.URL() + "/files/" + name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || string(b) != want {
			t.Errorf("%s beside the configuration: %d %q (%v), want %q", name, resp.StatusCode, b, err, want)
		}
	}
}
