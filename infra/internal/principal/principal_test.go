package principal

import "testing"

func TestSame(t *testing.T) {
	const acct = "111122223333"
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same user", "arn:aws:iam::" + acct + ":user/alice", "arn:aws:iam::" + acct + ":user/alice", true},
		{"user with a path", "arn:aws:iam::" + acct + ":user/people/alice", "arn:aws:iam::" + acct + ":user/alice", true},
		{"role session and its role", "arn:aws:sts::" + acct + ":assumed-role/admin/alice@example.com", "arn:aws:iam::" + acct + ":role/admin", true},
		{"SSO role session and its role with a path", "arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_Admin_0123/alice",
			"arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123", true},
		{"other partition", "arn:aws-cn:iam::" + acct + ":role/admin", "arn:aws:iam::" + acct + ":role/admin", false},
		{"other account", "arn:aws:iam::999988887777:role/admin", "arn:aws:iam::" + acct + ":role/admin", false},
		{"user and role of one name", "arn:aws:iam::" + acct + ":user/admin", "arn:aws:iam::" + acct + ":role/admin", false},
		{"other role", "arn:aws:sts::" + acct + ":assumed-role/deploy/ci", "arn:aws:iam::" + acct + ":role/admin", false},
		{"root", "arn:aws:iam::" + acct + ":root", "arn:aws:iam::" + acct + ":root", true},
		{"not an ARN", "alice", "alice", false},
		{"empty", "", "", false},
		{"session without a session name", "arn:aws:sts::" + acct + ":assumed-role/admin", "arn:aws:iam::" + acct + ":role/admin", false},
		{"a policy", "arn:aws:iam::" + acct + ":policy/admin", "arn:aws:iam::" + acct + ":policy/admin", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Same(tt.a, tt.b); got != tt.want {
				t.Errorf("Same(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := Same(tt.b, tt.a); got != tt.want {
				t.Errorf("Same(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestARN(t *testing.T) {
	tests := map[string]string{
		"arn:aws:sts::111122223333:assumed-role/deploy/gha,run=1": "arn:aws:iam::111122223333:role/deploy",
		"arn:aws:iam::111122223333:role/path/to/admin":            "arn:aws:iam::111122223333:role/admin",
		"arn:aws-cn:iam::111122223333:user/alice":                 "arn:aws-cn:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:root":                          "arn:aws:iam::111122223333:root",
	}
	for in, want := range tests {
		id, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := id.ARN(); got != want || !Same(got, in) {
			t.Errorf("Parse(%q).ARN() = %q, want %q", in, got, want)
		}
	}
}
