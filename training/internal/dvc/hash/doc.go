// Package hash computes the content hashes DVC 3.x records: the md5 of a
// file's raw bytes (no line-ending normalization: DVC 3 dropped 2.x's
// "md5-dos2unix"), and for a directory the md5 of its .dir manifest, a
// JSON list of {"md5", "relpath"} entries sorted by relpath and
// serialized as Python's json.dumps(..., sort_keys=True) does, with ".dir"
// appended (dvc_data/hashfile/tree.py, Tree.as_bytes and Tree.digest).
package hash
