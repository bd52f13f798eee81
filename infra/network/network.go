// Package network is the VPC: public and private subnets in each
// availability zone, tagged for EKS load balancers, an internet gateway and,
// when configured, NAT gateways for private nodes.
package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/netplan"
)

// Args configures the network.
type Args struct {
	NamePrefix  string
	CIDR        string
	AZs         []string
	NATGateways string // config.NATNone, NATSingle or NATPerAZ
	ClusterName string // for the kubernetes.io/cluster/<name> subnet tags
	Tags        map[string]string
}

// Network is the component.
type Network struct {
	pulumi.ResourceState

	VpcID            pulumi.StringOutput
	PublicSubnetIDs  pulumi.StringArrayOutput
	PrivateSubnetIDs pulumi.StringArrayOutput
	// NodeSubnetIDs are where the nodes run: the private subnets behind NAT,
	// or the public subnets when there is no NAT gateway.
	NodeSubnetIDs pulumi.StringArrayOutput
}

// New creates the network.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	n := &Network{}
	if err := ctx.RegisterComponentResource("mlops:infra:Network", name, n, opts...); err != nil {
		return nil, err
	}
	public, private, err := netplan.Plan(args.CIDR, args.AZs)
	if err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)
	tags := func(extra map[string]string) pulumi.StringMap {
		m := pulumi.StringMap{}
		for k, v := range args.Tags {
			m[k] = pulumi.String(v)
		}
		for k, v := range extra {
			m[k] = pulumi.String(v)
		}
		return m
	}
	clusterTag := "kubernetes.io/cluster/" + args.ClusterName

	vpc, err := ec2.NewVpc(ctx, args.NamePrefix+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.CIDR),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tags(map[string]string{"Name": args.NamePrefix}),
	}, parent)
	if err != nil {
		return nil, err
	}
	igw, err := ec2.NewInternetGateway(ctx, args.NamePrefix+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  tags(map[string]string{"Name": args.NamePrefix}),
	}, parent)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, args.NamePrefix+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{
			&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()},
		},
		Tags: tags(map[string]string{"Name": args.NamePrefix + "-public"}),
	}, parent)
	if err != nil {
		return nil, err
	}

	var publicIDs, privateIDs pulumi.StringArray
	var publicSubnets []*ec2.Subnet
	for i, s := range public {
		sub, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-public-%d", args.NamePrefix, i), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(s.CIDR),
			AvailabilityZone: pulumi.String(s.AZ),
			// Only without NAT, where the nodes sit here: a public IP is
			// then their only way out (images from ECR, registry.k8s.io,
			// quay.io and Docker Hub; the STS and EKS APIs), and EKS
			// refuses a node group in public subnets without one. Nothing
			// reaches them in return: the cluster security group admits
			// traffic from itself only. With NAT (prod), nodes are private
			// and no instance here gets a public IP (the NAT gateways have
			// Elastic IPs of their own).
			MapPublicIpOnLaunch: pulumi.Bool(args.NATGateways == config.NATNone),
			Tags: tags(map[string]string{
				"Name":                   fmt.Sprintf("%s-public-%s", args.NamePrefix, s.AZ),
				"kubernetes.io/role/elb": "1", clusterTag: "shared",
			}),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-public-%d", args.NamePrefix, i), &ec2.RouteTableAssociationArgs{
			SubnetId: sub.ID(), RouteTableId: publicRT.ID(),
		}, parent); err != nil {
			return nil, err
		}
		publicSubnets = append(publicSubnets, sub)
		publicIDs = append(publicIDs, sub.ID())
	}

	// NAT gateways, each in a public subnet.
	var nats []*ec2.NatGateway
	natCount := map[string]int{config.NATNone: 0, config.NATSingle: 1, config.NATPerAZ: len(publicSubnets)}[args.NATGateways]
	for i := range natCount {
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%d", args.NamePrefix, i), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   tags(map[string]string{"Name": fmt.Sprintf("%s-nat-%d", args.NamePrefix, i)}),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-nat-%d", args.NamePrefix, i), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     publicSubnets[i].ID(),
			Tags:         tags(map[string]string{"Name": fmt.Sprintf("%s-nat-%d", args.NamePrefix, i)}),
		}, parent)
		if err != nil {
			return nil, err
		}
		nats = append(nats, nat)
	}

	for i, s := range private {
		rtArgs := &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  tags(map[string]string{"Name": fmt.Sprintf("%s-private-%s", args.NamePrefix, s.AZ)}),
		}
		if len(nats) > 0 {
			rtArgs.Routes = ec2.RouteTableRouteArray{
				&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nats[i%len(nats)].ID()},
			}
		}
		rt, err := ec2.NewRouteTable(ctx, fmt.Sprintf("%s-private-%d", args.NamePrefix, i), rtArgs, parent)
		if err != nil {
			return nil, err
		}
		sub, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-private-%d", args.NamePrefix, i), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(s.CIDR),
			AvailabilityZone: pulumi.String(s.AZ),
			Tags: tags(map[string]string{
				"Name":                            fmt.Sprintf("%s-private-%s", args.NamePrefix, s.AZ),
				"kubernetes.io/role/internal-elb": "1", clusterTag: "shared",
			}),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-private-%d", args.NamePrefix, i), &ec2.RouteTableAssociationArgs{
			SubnetId: sub.ID(), RouteTableId: rt.ID(),
		}, parent); err != nil {
			return nil, err
		}
		privateIDs = append(privateIDs, sub.ID())
	}

	n.VpcID = vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = publicIDs.ToStringArrayOutput()
	n.PrivateSubnetIDs = privateIDs.ToStringArrayOutput()
	n.NodeSubnetIDs = n.PrivateSubnetIDs
	if args.NATGateways == config.NATNone {
		n.NodeSubnetIDs = n.PublicSubnetIDs
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            n.VpcID,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
	}); err != nil {
		return nil, err
	}
	return n, nil
}
