// Package pipeline reads dvc.yaml and reads and writes dvc.lock, the
// files of a DVC 3.x pipeline, and reads the params files stages depend
// on.
//
// dvc.yaml is decoded strictly against DVC's schema (dvc/schema.py): a
// stage has cmd (a string or a list), and optionally wdir, deps, params,
// outs, metrics, plots, frozen, always_changed, desc and meta; outputs are
// paths or {path: {cache, persist, remote, push, ...}}. Templating (vars,
// foreach, matrix, ${...}) is not supported and is reported as such.
//
// dvc.lock is written as DVC writes it (dvc/stage/serialize.py,
// to_single_stage_lockfile, and dvc/dvcfile.py): "schema: '2.0'", then
// stages in the order they were first written, each with cmd, deps,
// params and outs; deps and outs sorted by path, each entry path, hash:
// md5, md5, size (and nfiles for a directory); params grouped by file
// (params.yaml first), keys sorted.
package pipeline
