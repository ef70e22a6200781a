package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Creating calls: the one path by which every object the platform creates
// is created. The platform offers no idempotency keys, so a creating
// request whose answer is lost may or may not have made the object. Every
// creating call therefore ends in exactly one of three outcomes, and an
// unknown one is reconciled the way the object's family allows before
// anybody is told that it failed.

// CreateOutcome is what a creating call is known to have done.
type CreateOutcome int

const (
	// Created: the platform created the object and the client has it.
	Created CreateOutcome = iota
	// NotCreated: the platform provably did not act (the request was never
	// sent, the connection was refused, it was answered 429 or 503 with
	// Retry-After, or refused with another 4xx).
	NotCreated
	// OutcomeUnknown: the platform may have created the object (a timeout,
	// a 5xx, a 429 without Retry-After, a connection lost after the request
	// was written, or a 2xx
	// answer that does not describe the object) and reconciliation could
	// not find exactly one object that the request made.
	OutcomeUnknown
)

func (o CreateOutcome) String() string {
	switch o {
	case Created:
		return "created"
	case NotCreated:
		return "not created"
	default:
		return "outcome unknown"
	}
}

// CreateError is the error of a creating call that did not produce an
// object: why it failed and what reconciliation found.
type CreateError struct {
	// Outcome is NotCreated or OutcomeUnknown.
	Outcome CreateOutcome
	// Err is the failure of the creating request itself.
	Err error
	// Candidates are the ids of objects that the request may have made,
	// when reconciliation found more than one.
	Candidates []string
	// ReconcileErr is why looking for the object failed, if it did.
	ReconcileErr error
	// Unreconcilable is set when the platform offers no way to look for
	// the object (recurrent charges have no list endpoint).
	Unreconcilable bool
	// Searched is set when the object was looked for after an unknown
	// outcome and none was found: the platform did not act.
	Searched bool
}

func (e *CreateError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if len(e.Candidates) > 0 {
		fmt.Fprintf(&b, "; %d objects may be the one it created (%s)", len(e.Candidates), strings.Join(e.Candidates, ", "))
	}
	if e.ReconcileErr != nil {
		fmt.Fprintf(&b, "; looking for the object failed: %v", e.ReconcileErr)
	}
	return b.String()
}

func (e *CreateError) Unwrap() error { return e.Err }

// AsCreateError returns the CreateError in err's chain.
func AsCreateError(err error) (*CreateError, bool) {
	var ce *CreateError
	ok := errors.As(err, &ce)
	return ce, ok
}

// CreateResult is a created object and how it was found.
type CreateResult[T any] struct {
	Object *T
	// Adopted is set when the creating request failed in a way that did
	// not tell the outcome, and reconciliation found the one object it had
	// made; FailedWith is that failure.
	Adopted    bool
	FailedWith error
	// Preexisting is set when nothing was created: an object that existed
	// before the create, matched every argument exactly and was owned by no
	// other create of this client was taken instead (platform-api.md §6.7).
	// FailedWith is the platform's refusal when the create was sent and
	// refused because that object exists.
	Preexisting bool
	// Lookalikes are objects that existed before this client's first
	// create of the family, with every argument of this one, which nothing
	// in this client created or took: possibly left by an interrupted run,
	// possibly another resource's (platform-api.md §6.7).
	Lookalikes []Lookalike
	// LookalikesUnchecked is why looking for lookalikes failed, if it did.
	LookalikesUnchecked error
}

// Lookalike names an object that has the arguments of a create.
type Lookalike struct {
	ID        string
	CreatedAt time.Time
}

// errAnswerIncomplete marks a 2xx answer that does not describe the
// created object (empty, unparseable, or without its id).
var errAnswerIncomplete = errors.New("the platform answered success but did not describe the created object")

// errInterruptedRetry stops a retry of a creating request that the caller
// interrupted: the earlier attempt was not acted on, and this one is not sent.
var errInterruptedRetry = errors.New("interrupted: the request was not sent again")

// notSentError marks a failure before the request left the client.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// outcomeOf classifies the failure of a creating request.
func outcomeOf(err error) CreateOutcome {
	var notSent *notSentError
	var limitErr *rateLimitWaitError
	switch {
	case errors.As(err, &notSent), errors.As(err, &limitErr), errors.Is(err, errInterruptedRetry),
		IsMissingCredentials(err), isConnectionRefused(err):
		return NotCreated
	case errors.Is(err, errAnswerIncomplete):
		return OutcomeUnknown
	}
	apiErr, ok := AsAPIError(err)
	if !ok {
		return OutcomeUnknown
	}
	// A server that says when to come back paced the request before
	// processing it; a 429 that does not may be a proxy's, answered after
	// forwarding (platform-api.md §6.1). The rule is checkRetry's.
	_, asksToWait := parseRetryAfter(apiErr.RetryAfter, time.Now())
	switch {
	case apiErr.Status == http.StatusServiceUnavailable && asksToWait:
		return NotCreated
	case apiErr.Status == http.StatusTooManyRequests && !asksToWait:
		return OutcomeUnknown
	case apiErr.Status >= 400 && apiErr.Status < 500:
		return NotCreated
	default:
		return OutcomeUnknown
	}
}

// existing is what matched a create's arguments just before it was sent:
// no object in it, or created before since (the server's clock), can be
// the one the request made.
type existing struct {
	ids   map[string]bool
	since time.Time
}

// has reports whether id existed before; an empty id names no object, so
// it never hides one that the request may have made.
func (e existing) has(id string) bool { return id != "" && e.ids[id] }

// createSpec describes the creating call of one family.
type createSpec[T any] struct {
	// family keys the objects that may be confused with each other: one
	// kind in one product, app or license.
	family string
	// snapshot lists the matching objects that exist before the request;
	// nil when the family cannot be reconciled.
	snapshot func(ctx context.Context) (existing, error)
	// post sends the creating request.
	post func(ctx context.Context) (*T, error)
	// complete reports whether a successful answer describes the object.
	complete func(*T) bool
	// find lists the matching objects after an unknown outcome.
	find func(ctx context.Context, before existing) ([]T, error)
	// id names an object.
	id func(*T) string
	// twins, when set, is shared by the requests of this family that make
	// interchangeable objects (the same arguments, nothing secret told
	// apart): lost answers among twins may share out the objects found.
	twins string
	// preexisting, when set, returns the objects that existed before the
	// request and match every argument it sends exactly, in a family where
	// such an object can only be the one this create wants (a unique
	// name). fresh asks for a new lookup rather than the snapshot's.
	preexisting func(ctx context.Context, fresh bool) ([]T, error)
}

// create runs a creating call to one of the three outcomes. Once the
// request is about to be sent it is no longer cancelled by ctx (only
// bounded by the request timeout): an interrupted apply must learn what
// the platform did, or the object would exist outside the state. Retries
// still stop when ctx is cancelled, because a retried request had not
// been acted on.
func create[T any](ctx context.Context, c *Client, spec createSpec[T]) (CreateResult[T], error) {
	var before existing
	if spec.snapshot != nil {
		var err error
		if before, err = spec.snapshot(ctx); err != nil {
			return CreateResult[T]{}, &CreateError{Outcome: NotCreated, Err: fmt.Errorf("listing what exists before creating: %w", err)}
		}
	}
	if res, ok := takePreexisting(ctx, c, spec, false); ok {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return CreateResult[T]{}, &CreateError{Outcome: NotCreated, Err: fmt.Errorf("not sent: %w", context.Cause(ctx))}
	}
	sendCtx := context.WithValue(context.WithoutCancel(ctx), interruptKey{}, ctx.Done())

	obj, err := postShared(sendCtx, &c.creates, spec, &before)
	if err == nil {
		return CreateResult[T]{Object: obj}, nil
	}
	if outcomeOf(err) == NotCreated {
		// A refusal because the object exists may name one that appeared
		// after the snapshot, such as the create of a run killed just before.
		if IsConflict(err) {
			if res, ok := takePreexisting(sendCtx, c, spec, true); ok {
				res.FailedWith = err
				return res, nil
			}
		}
		return CreateResult[T]{}, &CreateError{Outcome: NotCreated, Err: err}
	}
	if spec.find == nil {
		return CreateResult[T]{}, &CreateError{Outcome: OutcomeUnknown, Err: err, Unreconcilable: true}
	}
	return reconcile(sendCtx, c, spec, &before, err)
}

// reconcile looks for the object that a create with an unknown outcome
// made. It adopts an object only when exactly one is new: not in the
// snapshot, not older than it, and not owned by another create of this
// process.
func reconcile[T any](ctx context.Context, c *Client, spec createSpec[T], before *existing, failure error) (CreateResult[T], error) {
	var found []T
	var findErr error
	c.creates.exclusive(spec.family, func() {
		if spec.twins != "" {
			defer c.creates.doneWaiting(spec.twins, before)
		}
		found, findErr = spec.find(ctx, *before)
		if findErr == nil {
			found, findErr = distinctByID(found, spec.id)
		}
		if findErr != nil {
			return
		}
		found = unclaimed(&c.creates, spec.family, found, spec.id)
		found = shareOutTwins(&c.creates, spec, before, found)
		if len(found) == 1 {
			c.creates.claim(spec.family, spec.id(&found[0]))
		}
	})
	switch {
	case findErr != nil:
		return CreateResult[T]{}, &CreateError{Outcome: OutcomeUnknown, Err: failure, ReconcileErr: findErr}
	case len(found) == 0:
		// Nothing new exists: the platform did not act after all.
		return CreateResult[T]{}, &CreateError{Outcome: NotCreated, Err: failure, Searched: true}
	case len(found) == 1:
		return CreateResult[T]{Object: &found[0], Adopted: true, FailedWith: failure}, nil
	}
	ids := make([]string, len(found))
	for i := range found {
		ids[i] = spec.id(&found[i])
	}
	return CreateResult[T]{}, &CreateError{Outcome: OutcomeUnknown, Err: failure, Candidates: ids}
}

// takePreexisting takes the one object that existed before the create and
// matches every argument, if the family allows it, exactly one matches and
// no create of this client owns it. Any doubt (a failed lookup, several
// matches) leaves the create to go on as if none existed.
func takePreexisting[T any](ctx context.Context, c *Client, spec createSpec[T], fresh bool) (CreateResult[T], bool) {
	if spec.preexisting == nil {
		return CreateResult[T]{}, false
	}
	found, err := spec.preexisting(ctx, fresh)
	if err != nil || len(found) == 0 {
		return CreateResult[T]{}, false
	}
	var taken *T
	// Alone in the family, so that a sibling's create in flight has
	// claimed what it made before the claims are read.
	c.creates.exclusive(spec.family, func() {
		found = unclaimed(&c.creates, spec.family, found, spec.id)
		if len(found) == 1 {
			c.creates.claim(spec.family, spec.id(&found[0]))
			taken = &found[0]
		}
	})
	if taken == nil {
		return CreateResult[T]{}, false
	}
	return CreateResult[T]{Object: taken, Preexisting: true}, true
}

// shareOutTwins lets a reconciliation among twins take one of several new
// objects: when no more are found than twins lost their answers, each is
// the object of one of those twins, and interchangeable, so none is owned
// twice and none existed before. It takes the object that the fewest other
// waiting twins could take (those whose snapshot did not hold it yet), so
// that a twin whose snapshot already saw an earlier twin's object is left
// the one it made.
func shareOutTwins[T any](l *createLedger, spec createSpec[T], mine *existing, found []T) []T {
	if spec.twins == "" {
		return found
	}
	others := l.waitingTwins(spec.twins, mine)
	if len(found) < 2 || len(found) > len(others)+1 {
		return found
	}
	best, bestTakers := 0, len(others)+1
	for i := range found {
		takers := 0
		for _, o := range others {
			if !o.has(spec.id(&found[i])) {
				takers++
			}
		}
		if takers < bestTakers {
			best, bestTakers = i, takers
		}
	}
	return found[best : best+1]
}

// interruptKey carries the caller's Done channel into a creating call whose
// context no longer cancels, so that retries stop at an interrupt.
type interruptKey struct{}

// createLedger keeps the creates of one client apart. A family's creates
// share its lock: a request in flight holds it shared, and a
// reconciliation holds it alone, so it never mistakes the object of a
// sibling's request still in flight for its own. Ids created or adopted
// in this process are claimed and never adopted a second time.
type createLedger struct {
	mu       sync.Mutex
	families map[string]*sync.RWMutex
	claimed  map[string]map[string]bool
	// waiting holds, per twins key, the snapshots of the creates whose
	// answers were lost and that are still to be reconciled.
	waiting map[string][]*existing
	// atStart holds, per family, what the family held before this
	// client's first create in it (listedAtStart).
	atStart map[string]*startListing
}

// startListing is one family's listing taken before the client's first
// create in it.
type startListing struct {
	once  sync.Once
	items any
	err   error
}

// listedAtStart returns what list finds before this client's first create
// of family. The first create lists, and every other create of the family
// waits for that listing before it sends anything, so nothing this client
// creates is in it: what matches a create there was made by someone else,
// perhaps by an earlier run that was killed before its answers arrived.
func listedAtStart[T any](ctx context.Context, l *createLedger, family string, list func(context.Context) ([]T, error)) ([]T, error) {
	l.mu.Lock()
	if l.atStart == nil {
		l.atStart = map[string]*startListing{}
	}
	s, ok := l.atStart[family]
	if !ok {
		s = &startListing{}
		l.atStart[family] = s
	}
	l.mu.Unlock()
	// Shared by every create of the family: the first one's interrupt must
	// not leave the others without a listing.
	s.once.Do(func() { s.items, s.err = list(context.WithoutCancel(ctx)) })
	items, _ := s.items.([]T)
	return items, s.err
}

// lookalikes are the objects of atStart (listed within the lookalike
// window) that match, are not made (the create's own object) and that no
// create of this client owns.
func lookalikes[T any](l *createLedger, family string, atStart []T, made *T,
	match func(*T) bool, id func(*T) string, created func(*T) time.Time) []Lookalike {
	var out []Lookalike
	for _, o := range unclaimed(l, family, atStart, id) {
		if match(&o) && (made == nil || id(&o) != id(made)) {
			out = append(out, Lookalike{ID: id(&o), CreatedAt: created(&o)})
		}
	}
	return out
}

func (l *createLedger) lock(family string) *sync.RWMutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.families == nil {
		l.families = map[string]*sync.RWMutex{}
	}
	m, ok := l.families[family]
	if !ok {
		m = &sync.RWMutex{}
		l.families[family] = m
	}
	return m
}

// postShared sends a creating request under its family's shared lock and
// claims the object it made before releasing the lock, so that no
// reconciliation sees that object unowned.
func postShared[T any](ctx context.Context, l *createLedger, spec createSpec[T], before *existing) (*T, error) {
	m := l.lock(spec.family)
	m.RLock()
	defer m.RUnlock()
	obj, err := spec.post(ctx)
	if err == nil && (obj == nil || !spec.complete(obj)) {
		err = errAnswerIncomplete
	}
	switch {
	case err == nil:
		l.claim(spec.family, spec.id(obj))
		return obj, nil
	case spec.twins != "" && spec.find != nil && outcomeOf(err) == OutcomeUnknown:
		// Registered before the lock is released, so that a reconciliation
		// of a twin already knows this one will look too, and what it saw.
		l.wait(spec.twins, before)
	}
	return nil, err
}

// wait registers the snapshot of a twin whose answer was lost until its
// reconciliation is done.
func (l *createLedger) wait(twins string, before *existing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waiting == nil {
		l.waiting = map[string][]*existing{}
	}
	l.waiting[twins] = append(l.waiting[twins], before)
}

func (l *createLedger) doneWaiting(twins string, before *existing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.waiting[twins]
	for i := range w {
		if w[i] == before {
			l.waiting[twins] = append(w[:i], w[i+1:]...)
			return
		}
	}
}

// waitingTwins returns the snapshots of the other twins still to reconcile.
func (l *createLedger) waitingTwins(twins string, mine *existing) []*existing {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*existing
	for _, w := range l.waiting[twins] {
		if w != mine {
			out = append(out, w)
		}
	}
	return out
}

// exclusive runs fn while no create of family is in flight.
func (l *createLedger) exclusive(family string, fn func()) {
	m := l.lock(family)
	m.Lock()
	defer m.Unlock()
	fn()
}

func (l *createLedger) claim(family, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.claimed == nil {
		l.claimed = map[string]map[string]bool{}
	}
	if l.claimed[family] == nil {
		l.claimed[family] = map[string]bool{}
	}
	l.claimed[family][id] = true
}

// unclaimed returns the objects of found that no create of this process owns.
func unclaimed[T any](l *createLedger, family string, found []T, id func(*T) string) []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []T
	for i := range found {
		if !l.claimed[family][id(&found[i])] {
			out = append(out, found[i])
		}
	}
	return out
}

// errListedWithoutID is a reconciliation that found a matching object the
// listing gives no id: it may be the one the request made, yet it can be
// neither adopted nor told apart.
var errListedWithoutID = errors.New("the platform listed a matching object without its id")

// distinctByID drops the repeats of an object that a listing shows more
// than once, so that one object is never taken for several candidates.
func distinctByID[T any](found []T, id func(*T) string) ([]T, error) {
	seen := map[string]bool{}
	var out []T
	for i := range found {
		key := id(&found[i])
		if key == "" {
			return nil, errListedWithoutID
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, found[i])
		}
	}
	return out, nil
}
