package netplan

import (
	"net/netip"
	"testing"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name        string
		cidr        string
		azs         []string
		wantPublic  []string
		wantPrivate []string
		wantErr     bool
	}{
		{
			name: "two zones in a /16", cidr: "10.0.0.0/16", azs: []string{"a", "b"},
			wantPublic:  []string{"10.0.0.0/20", "10.0.16.0/20"},
			wantPrivate: []string{"10.0.128.0/20", "10.0.144.0/20"},
		},
		{
			name: "three zones in a /20", cidr: "172.16.16.0/20", azs: []string{"a", "b", "c"},
			wantPublic:  []string{"172.16.16.0/24", "172.16.17.0/24", "172.16.18.0/24"},
			wantPrivate: []string{"172.16.24.0/24", "172.16.25.0/24", "172.16.26.0/24"},
		},
		{name: "not a network", cidr: "10.0.0.1/16", azs: []string{"a"}, wantErr: true},
		{name: "ipv6", cidr: "fd00::/56", azs: []string{"a"}, wantErr: true},
		{name: "too small", cidr: "10.0.0.0/26", azs: []string{"a"}, wantErr: true},
		{name: "no zones", cidr: "10.0.0.0/16", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, priv, err := Plan(tt.cidr, tt.azs)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			check := func(kind string, got []Subnet, want []string, public bool) {
				if len(got) != len(want) {
					t.Fatalf("%s: %d subnets, want %d", kind, len(got), len(want))
				}
				for i := range got {
					if got[i].CIDR != want[i] || got[i].AZ != tt.azs[i] || got[i].Public != public {
						t.Errorf("%s[%d] = %+v, want %s in %s", kind, i, got[i], want[i], tt.azs[i])
					}
				}
			}
			check("public", pub, tt.wantPublic, true)
			check("private", priv, tt.wantPrivate, false)
			assertDisjoint(t, tt.cidr, append(pub, priv...))
		})
	}
}

func assertDisjoint(t *testing.T, vpc string, subnets []Subnet) {
	t.Helper()
	outer := netip.MustParsePrefix(vpc)
	for i, a := range subnets {
		pa := netip.MustParsePrefix(a.CIDR)
		if !outer.Contains(pa.Addr()) || pa.Bits() < outer.Bits() {
			t.Errorf("%s is not inside %s", a.CIDR, vpc)
		}
		for _, b := range subnets[i+1:] {
			if pa.Overlaps(netip.MustParsePrefix(b.CIDR)) {
				t.Errorf("%s overlaps %s", a.CIDR, b.CIDR)
			}
		}
	}
}

func TestSubnetwork(t *testing.T) {
	p := netip.MustParsePrefix("10.1.0.0/16")
	got, err := Subnetwork(p, 8, 255)
	if err != nil || got.String() != "10.1.255.0/24" {
		t.Errorf("Subnetwork(/16, 8, 255) = %v, %v", got, err)
	}
	if _, err := Subnetwork(p, 4, 16); err == nil {
		t.Error("Subnetwork accepted a number that does not fit")
	}
	if _, err := Subnetwork(p, 17, 0); err == nil {
		t.Error("Subnetwork accepted more than 32 bits")
	}
}
