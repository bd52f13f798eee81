// Package shadow scores challenger models on live traffic without touching
// the requests: the server hands each sampled request's inputs and the
// served model's probabilities to a [Scorer], which copies them into a job
// on a bounded queue and returns; a fixed pool of workers scores every
// challenger of the job and records how it compares with the served model.
//
// # Off the request path
//
// A request pays for the sampling decision, two copies (its rows and the
// served probabilities) into a pooled job, and a send that never blocks.
// When the queue is full the job is dropped and its rows are counted per
// challenger, so a slow or saturated pool costs traffic nothing but
// coverage. The copies are what make this safe: the request's buffers
// (Fiber's body, the pooled decoder's rows) are reused as soon as the
// handler returns.
//
// # What is measured
//
// Per challenger and served model, for every row scored: whether the two
// predicted the same class (agreements over predictions is the agreement
// ratio), each side's top class probability summed (over predictions, each
// side's mean confidence, and their difference the mean confidence
// difference) and the challenger's top probability minus the served
// model's in a histogram (its distribution); per challenger, the
// computation time of a job; and the rows dropped, with the reason. The
// confidences are summed in two counters because a histogram's _sum of
// differences falls with each negative one, which rate() reads as a
// counter reset. Names come from app/telemetry.
//
// # Stopping
//
// [Scorer.Stop] closes the queue and lets the workers finish it until the
// context is done; what is left then is dropped and counted with reason
// shutdown, so a stop never outlasts the server's shutdown deadline by more
// than the job a worker is in.
package shadow
