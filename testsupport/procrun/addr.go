package procrun

import (
	"net"
	"testing"
)

// FreeAddr returns a loopback address ("127.0.0.1:port") that was free when
// it was called, for a program that takes its address as a setting.
// Another process could take the port before the program binds it; on a
// test machine's loopback the kernel hands out ephemeral ports in turn,
// which makes that rare, and the program's exit then fails its start.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("procrun: pick a free loopback port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
