// Package tracking is the experiment store: every training run recorded as
// one JSON document under a directory (runs/ by default), readable by a
// person and by jq, with no server and no account.
//
// # Layout
//
//	runs/
//	  20261126-085512-3f9a2c/   one directory per run; its name is the run id
//	    run.json                 the record (see Run), rewritten atomically
//	    .lock                    taken (flock) while a command updates the run
//
// The id starts with the UTC start time, so `ls runs/` lists runs in order.
// A run claims its id by creating the directory (os.Mkdir fails if it
// exists), so two processes never share one and no shared index is needed:
// concurrent runs write only to their own directories.
//
// # Crashes
//
// run.json is written with atomicfile (temporary file, fsync, rename), so a
// reader sees the previous record or the next one, never half of one. A run
// is written as "running" when it starts, with the host and process id that
// own it, and rewritten as "finished" or "failed" when it ends. A process
// that dies in between (killed, out of memory, power loss) leaves "running"
// behind; the store notices when the owner process is gone from this host
// and rewrites the record as failed (see Store.List and Store.Get).
package tracking
