package repo

// Section is the part of a .dvc file or stage a Change is about, worded
// as `dvc status` words it.
type Section string

// Sections of a change.
const (
	ChangedCmd    Section = "changed cmd"
	ChangedDeps   Section = "changed deps"
	ChangedOuts   Section = "changed outs"
	ChangedParams Section = "changed params"
	// AlwaysChanged: the stage has always_changed: true.
	AlwaysChanged Section = "always changed"
	// NotInLock: the stage has no dvc.lock record yet.
	NotInLock Section = "not in dvc.lock"
)

// Change is one difference `dvc status` reports for a .dvc file or a
// stage: a section, and for dependencies, outputs and parameters the
// state and the path that differs.
type Change struct {
	Section Section
	// State is how the dependency, output, parameter or params file
	// differs (New, Modified, Deleted, Removed, NotInCache, Legacy);
	// empty for ChangedCmd, AlwaysChanged and NotInLock.
	State State
	// File is the params file a ChangedParams key belongs to; empty for
	// other changes and for a params file the stage no longer uses.
	File string
	// Path is the dependency or output path, the parameter key, or the
	// params file the stage no longer uses.
	Path string
}

// String returns the change on one line: "changed outs: modified: data",
// "changed params: params.yaml: modified: lr", "changed cmd".
func (c Change) String() string {
	switch {
	case c.State == "":
		return string(c.Section)
	case c.File != "":
		return string(c.Section) + ": " + c.File + ": " + string(c.State) + ": " + c.Path
	default:
		return string(c.Section) + ": " + string(c.State) + ": " + c.Path
	}
}
