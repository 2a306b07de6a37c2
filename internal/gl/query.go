package gl

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"time"
)

// Timer queries (ARB_timer_query, core since OpenGL 3.3): timestamps the
// device writes when it reaches a point of the command stream, read back
// later without stalling it. The device time of some commands is the
// difference of a timestamp before them and one after (Elapsed).
// Timestamps rather than GL_TIME_ELAPSED ranges: ranges may not nest or
// overlap, and Mesa's llvmpipe, which runs a compute dispatch
// synchronously inside glDispatchCompute, reports about 1 ns for a range
// around one, while its timestamps bracket the dispatch (measured here:
// 241.0 ms between the timestamps, 241.0 ms of host wall time in the
// call). Like every GL call here they must run inside Context.Do.

// timestamp is GL_TIMESTAMP.
const timestamp = 0x8E28

// TimerBits is GL_QUERY_COUNTER_BITS of GL_TIMESTAMP: 0 means the driver's
// timestamps carry no information (the GL spec allows it), and callers
// then report no device time rather than a zero one.
func TimerBits() int { return int(C.synQueryBits(timestamp)) }

// Query is a timer query object.
type Query uint32

// NewQuery creates a query name; the object itself exists from its first
// Timestamp.
func NewQuery() Query { return Query(C.synGenQuery()) }

// Delete frees q (a no-op on a zero Query).
func (q *Query) Delete() {
	if *q != 0 {
		C.synDeleteQuery(C.GLuint(*q))
		*q = 0
	}
}

// Timestamp has the device record its clock in q once every command
// issued before has completed (glQueryCounter(q, GL_TIMESTAMP)).
func (q Query) Timestamp() { C.synQueryCounter(C.GLuint(q)) }

// Available reports whether q's result can be read without waiting
// (GL_QUERY_RESULT_AVAILABLE): true once the device has passed the point
// q marks, e.g. after a fence issued later has signalled.
func (q Query) Available() bool { return C.synQueryAvailable(C.GLuint(q)) != 0 }

// Result is q's timestamp in nanoseconds of the device's clock. It waits
// for the device to reach q if it has not, so callers read it once a
// later fence has signalled or a read-back has waited. A GL error (a query
// never recorded, a name not from NewQuery) is returned as ErrGL with the
// GL error's name.
func (q Query) Result() (uint64, error) {
	CheckError("before reading a timer query") // drop stale flags
	ns := C.synQueryResult(C.GLuint(q))
	if err := CheckError(fmt.Sprintf("reading timer query %d", uint32(q))); err != nil {
		return 0, err
	}
	return uint64(ns), nil
}

// Elapsed is the device time between timestamps from and to: to's result
// minus from's, 0 if the clock went backwards (it must not, but a negative
// time would poison every sum it joins).
func Elapsed(from, to Query) (time.Duration, error) {
	a, err := from.Result()
	if err != nil {
		return 0, err
	}
	b, err := to.Result()
	if err != nil {
		return 0, err
	}
	if b < a {
		return 0, nil
	}
	return time.Duration(b - a), nil
}
