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
