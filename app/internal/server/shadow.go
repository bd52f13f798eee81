package server

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/shadow"
	"github.com/mlopsgo/mlops/training/model"
)

// Shadow scoring: Options.ShadowModels names challengers that the
// prediction endpoints hand, with each sampled request's rows and the served
// model's probabilities, to the shadow scorer once the answer is built.
// /predict, /predict/batch and /v2/models/{name}/infer take part;
// /predict/all-models does not, as it already runs every model on the
// request's path. A challenger is never scored against itself: a request
// that names a shadowed challenger is compared with the other shadowed
// ones only.

// checkShadowModels returns an *OptionError for the first of
// Options.ShadowModels that is not a challenger of snap, listing the
// challengers there are.
func (s *Server) checkShadowModels(snap *registry.Snapshot) error {
	var challengers []string
	for _, m := range snap.Models {
		if m.Role == model.RoleChallenger {
			challengers = append(challengers, m.Name)
		}
	}
	slices.Sort(challengers)
	valid := strings.Join(challengers, ", ")
	if valid == "" {
		valid = "none: the index lists no challenger"
	}
	index := filepath.Join(s.opts.ModelDir, model.IndexFile)
	for _, name := range s.opts.ShadowModels {
		if slices.Contains(challengers, name) {
			continue
		}
		want := fmt.Sprintf("challengers of %s (%s is not among its models); it has: %s", index, name, valid)
		if m, err := snap.Model(name); err == nil && m.Role == model.RoleChampion {
			want = fmt.Sprintf("challengers of %s (%s is the champion, which they are compared with); it has: %s", index, name, valid)
		}
		return &OptionError{Field: "ShadowModels", Value: name, Want: want}
	}
	return nil
}

// shadowTargets gives each served model of l the targets it is scored
// against in shadow: every shadowed challenger but itself that reads the
// same features and predicts the same classes. A shadowed name that is not
// a challenger of the set (possible after a reload) is logged and left
// out; NewServer refused it in the first set.
func (s *Server) shadowTargets(l *live) {
	if s.shadow == nil || l.snap == nil {
		return
	}
	var challengers []*registry.Model
	for _, name := range s.opts.ShadowModels {
		m, err := l.snap.Model(name)
		if err != nil || m.Role != model.RoleChallenger {
			s.log.Error("shadow model is not a challenger of the loaded models; not scored", "model", name, "dir", s.opts.ModelDir)
			continue
		}
		challengers = append(challengers, m)
		l.shadowed[name] = true
	}
	for _, sv := range l.models {
		for _, c := range challengers {
			if c == sv.m {
				continue
			}
			if !slices.Equal(c.FeatureNames(), sv.m.FeatureNames()) || !slices.Equal(c.Classes, sv.m.Classes) {
				s.log.Error("shadow model reads other features or predicts other classes than a served model; not scored against it",
					"model", c.Name, "served_model", sv.m.Name)
				continue
			}
			sv.shadows = append(sv.shadows, s.shadow.Target(c.Name, s.challenger(c), sv.m.Name))
		}
	}
}

// scoreShadow hands a served request to the shadow scorer: x holds its rows
// (one value per feature of sv), probs sv's probabilities for them. It
// never blocks and keeps neither slice.
func (s *Server) scoreShadow(sv *served, x, probs []float64) {
	if len(sv.shadows) > 0 {
		s.shadow.Submit(sv.shadows, x, probs, len(sv.m.Features), len(sv.m.Classes))
	}
}

var _ shadow.Predictor = (*registry.Model)(nil)
