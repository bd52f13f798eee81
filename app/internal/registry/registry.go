package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlopsgo/mlops/app/internal/drift"
	"github.com/mlopsgo/mlops/training/model"
)

// PreferredDefault is the model the original endpoints use when a request
// names none and the set holds it, as the original service did; otherwise
// they use the champion.
const PreferredDefault = "random_forest"

// Model is one loaded bundle with what serving derives from it.
type Model struct {
	*model.Bundle
	// Version identifies the bundle's content: its sha256.
	Version string
	// Champion reports whether the index names this model the champion.
	Champion bool
	// Role is the model's role in the index: model.RoleChampion for the
	// champion, model.RoleChallenger for every other model (an index
	// written before roles existed gets them from its champion field).
	Role model.Role
	// Drift holds the model's recent inputs. It carries over a reload when
	// the bundle did not change.
	Drift *drift.Window
}

// Snapshot is one loaded model set. It is immutable and safe for concurrent
// use.
type Snapshot struct {
	// Models lists the models in index order.
	Models []*Model
	// Champion is the index's champion, the default of the newer endpoints.
	Champion *Model
	// Default is the default of the original endpoints: [PreferredDefault]
	// when present, else the champion.
	Default *Model
	// Dataset is the default model's data set name (e.g. "iris").
	Dataset string
	// LoadedAt is when the set was loaded.
	LoadedAt time.Time

	byName map[string]*Model
}

// Model returns the named model, or a *NotFoundError.
func (s *Snapshot) Model(name string) (*Model, error) {
	if m, ok := s.byName[name]; ok {
		return m, nil
	}
	return nil, &NotFoundError{Name: name, Available: s.Names()}
}

// Names returns the model names in index order.
func (s *Snapshot) Names() []string {
	names := make([]string, len(s.Models))
	for i, m := range s.Models {
		names[i] = m.Name
	}
	return names
}

// Options configures a Registry.
type Options struct {
	// Dir is the models directory holding index.json. Required.
	Dir string
	// DriftWindow is how many recent inputs each model's drift window
	// holds. Optional. Default: 1000.
	DriftWindow int
	// Now is the clock. Optional. Default: time.Now.
	Now func() time.Time
}

// Registry loads model sets from a directory and serves the current one. It
// is safe for concurrent use.
type Registry struct {
	opts Options
	cur  atomic.Pointer[Snapshot]
	mu   sync.Mutex // serializes reloads
}

// New returns a registry with no models loaded; call Reload to load them.
func New(opts Options) (*Registry, error) {
	if opts.Dir == "" {
		return nil, fmt.Errorf("registry: Options.Dir is required")
	}
	if opts.DriftWindow <= 0 {
		opts.DriftWindow = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Registry{opts: opts}, nil
}

// Current returns the serving snapshot, or nil before the first successful
// load.
func (r *Registry) Current() *Snapshot { return r.cur.Load() }

// Dir returns the models directory.
func (r *Registry) Dir() string { return r.opts.Dir }

// Reload loads the models directory and, if every bundle loads and verifies,
// makes it the current snapshot, which it returns. On error the current
// snapshot stays in place. Reloads run one at a time.
func (r *Registry) Reload(ctx context.Context) (*Snapshot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reload models: %w", err)
	}
	set, err := model.LoadDir(r.opts.Dir)
	if err != nil {
		return nil, err
	}
	snap, err := NewSnapshot(set, r.cur.Load(), r.opts.DriftWindow, r.opts.Now())
	if err != nil {
		return nil, err
	}
	r.cur.Store(snap)
	return snap, nil
}

// NewSnapshot builds a snapshot of a loaded set. Models whose bundle is
// unchanged from prev (same name and checksum) keep their drift window;
// prev may be nil.
func NewSnapshot(set *model.Set, prev *Snapshot, driftWindow int, now time.Time) (*Snapshot, error) {
	if set == nil || set.Index == nil || len(set.Index.Models) == 0 {
		return nil, fmt.Errorf("registry: empty model set")
	}
	s := &Snapshot{LoadedAt: now, byName: make(map[string]*Model, len(set.Index.Models))}
	for _, e := range set.Index.Models {
		b, ok := set.Bundles[e.Name]
		if !ok {
			return nil, fmt.Errorf("registry: index lists %q but the set has no bundle for it", e.Name)
		}
		m := &Model{Bundle: b, Version: b.SHA256, Champion: e.Name == set.Index.Champion, Role: e.Role}
		if prev != nil {
			if old, ok := prev.byName[e.Name]; ok && old.Version == m.Version && slices.Equal(old.FeatureNames(), b.FeatureNames()) {
				m.Drift = old.Drift
			}
		}
		if m.Drift == nil {
			m.Drift = drift.NewWindow(b.Features, driftWindow)
		}
		s.Models = append(s.Models, m)
		s.byName[m.Name] = m
		if m.Champion {
			s.Champion = m
		}
	}
	if s.Champion == nil {
		return nil, fmt.Errorf("registry: champion %q is not in the set", set.Index.Champion)
	}
	s.Default = s.Champion
	if m, ok := s.byName[PreferredDefault]; ok {
		s.Default = m
	}
	s.Dataset = strings.TrimSpace(s.Default.Dataset.Name)
	return s, nil
}
