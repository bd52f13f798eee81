// Package netplan lays out the VPC's subnets: one public and one private
// subnet per availability zone, each a sixteenth of the VPC range (public
// ones from the bottom, private ones from the middle), so adding a zone never
// moves an existing subnet. It does not import Pulumi.
package netplan

import (
	"fmt"
	"net/netip"
)

// Subnet is one planned subnet.
type Subnet struct {
	AZ     string
	CIDR   string
	Public bool
}

// newBits splits the VPC range into 16 equal subnets.
const newBits = 4

// Plan returns the public and private subnets for azs in the VPC range.
func Plan(vpcCIDR string, azs []string) (public, private []Subnet, err error) {
	vpc, err := netip.ParsePrefix(vpcCIDR)
	if err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc {
		return nil, nil, fmt.Errorf("vpc range %q is not an IPv4 network", vpcCIDR)
	}
	if len(azs) == 0 || len(azs) > 8 {
		return nil, nil, fmt.Errorf("%d availability zones: want 1 to 8", len(azs))
	}
	if vpc.Bits()+newBits > 28 {
		return nil, nil, fmt.Errorf("vpc range %q is too small for /%d subnets", vpcCIDR, vpc.Bits()+newBits)
	}
	for i, az := range azs {
		pub, err := Subnetwork(vpc, newBits, i)
		if err != nil {
			return nil, nil, err
		}
		priv, err := Subnetwork(vpc, newBits, 8+i)
		if err != nil {
			return nil, nil, err
		}
		public = append(public, Subnet{AZ: az, CIDR: pub.String(), Public: true})
		private = append(private, Subnet{AZ: az, CIDR: priv.String()})
	}
	return public, private, nil
}

// Subnetwork is Terraform's cidrsubnet for IPv4: the num-th subnet of
// prefix with newbits more bits.
func Subnetwork(prefix netip.Prefix, newbits, num int) (netip.Prefix, error) {
	bits := prefix.Bits() + newbits
	if newbits <= 0 || bits > 32 {
		return netip.Prefix{}, fmt.Errorf("cannot add %d bits to %s", newbits, prefix)
	}
	if num < 0 || num >= 1<<newbits {
		return netip.Prefix{}, fmt.Errorf("subnet %d does not fit in %d bits", num, newbits)
	}
	b := prefix.Masked().Addr().As4()
	base := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	base |= uint32(num) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
	return netip.PrefixFrom(addr, bits), nil
}
