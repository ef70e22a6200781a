package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// requestPayload stands for what a request's context carries in Terraform:
// the gRPC stream, its buffers, the SDK's loggers.
type requestPayload struct{ _ [4096]byte }

type payloadKey struct{}

// callsRetaining runs calls ReadResource and no-change PlanResourceChange
// calls on srv, each with its own context, and reports how many of those
// contexts are still reachable once the calls have returned.
func callsRetaining(t *testing.T, srv tfprotov6.ProviderServer, calls int) int {
	t.Helper()
	o := newBenchObject(t, srv, "livechat_recurrent_charge", benchResources[0].args)
	held := make([]weak.Pointer[requestPayload], 0, calls)
	for i := range calls {
		p := &requestPayload{}
		held = append(held, weak.Make(p))
		ctx := context.WithValue(t.Context(), payloadKey{}, p)
		if i%2 == 0 {
			resp, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: o.typeName, CurrentState: o.state, Private: o.private})
			failOnDiagnostics(t, "ReadResource", err, resp.Diagnostics)
		} else {
			resp, err := srv.PlanResourceChange(ctx, o.noChangePlan())
			failOnDiagnostics(t, "PlanResourceChange", err, resp.Diagnostics)
		}
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, w := range held {
		if w.Value() != nil {
			alive++
		}
	}
	return alive
}

func TestProtocolServerLetsGoOfFinishedRequests(t *testing.T) {
	const calls = 200
	srv, err := NewProtocolServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	if alive := callsRetaining(t, srv, calls); alive > 0 {
		t.Errorf("%d of %d finished requests are still held in memory; want none", alive, calls)
	}
	// What the framework's own server keeps, for the record: when this
	// reaches zero the framework no longer needs the wrapper.
	t.Logf("the framework's own server holds %d of %d finished requests",
		callsRetaining(t, protocolServer(t, New("test")()), calls), calls)
}

func TestProtocolServerKeepsTheOptionalProtocols(t *testing.T) {
	srv, err := NewProtocolServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	// Terraform's protocol server finds these by type assertion.
	if _, ok := srv.(tfprotov6.ListResourceServer); !ok {
		t.Error("the server lost the list resource protocol")
	}
	if _, ok := srv.(tfprotov6.ActionServer); !ok {
		t.Error("the server lost the action protocol")
	}
	if _, ok := srv.(tfprotov6.StateStoreServer); !ok {
		t.Error("the server lost the state store protocol")
	}
}

func TestReleasableContextIsTheRequestUntilReleased(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), payloadKey{}, "value"))
	deadline := time.Now().Add(time.Hour)
	parent, cancelDeadline := context.WithDeadline(parent, deadline)
	defer cancelDeadline()
	rc := newReleasableContext(parent)

	if rc.Value(payloadKey{}) != "value" {
		t.Error("the request's values are not visible during the call")
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline() = %v, %v; want the request's %v", d, ok, deadline)
	}
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request did not cancel what the call derived from it")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err() = %v during the call; want the request's context.Canceled", rc.Err())
	}

	rc.release()
	if rc.Value(payloadKey{}) != nil {
		t.Error("a released context still answers the request's values")
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline() = %v, %v after release; want the request's %v, as before it", d, ok, deadline)
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err() = %v after release; want context.Canceled, the request being done", rc.Err())
	}
}

func TestReleasedContextOfALiveRequestIsNotDone(t *testing.T) {
	rc := newReleasableContext(t.Context())
	rc.release()
	if err := rc.Err(); err != nil {
		t.Errorf("Err() = %v; a released context whose request goes on must not report it done", err)
	}
	select {
	case <-rc.Done():
		t.Error("Done() is closed while the request goes on")
	default:
	}
}

// The context contract has successive calls of Err return the same error:
// a call that ran out of time must not be told later that it was cancelled.
func TestReleasedContextKeepsTheRequestsError(t *testing.T) {
	expired, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	rc := newReleasableContext(expired)
	if !errors.Is(rc.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err() = %v during the call; want context.DeadlineExceeded", rc.Err())
	}
	rc.release()
	if !errors.Is(rc.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v after release; want context.DeadlineExceeded, as before it", rc.Err())
	}

	// Released first and timed out after: the deadline tells why.
	parent, cancelLater := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancelLater()
	rc = newReleasableContext(parent)
	rc.release()
	<-rc.Done()
	if !errors.Is(rc.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v for a request that timed out after release; want context.DeadlineExceeded", rc.Err())
	}
	if first, again := rc.Err(), rc.Err(); !errors.Is(again, first) {
		t.Errorf("Err() answered %v, then %v", first, again)
	}
}

// requestContexts records, weakly, the context Terraform's gRPC server
// hands each ValidateResourceConfig call: the request's whole chain, down
// to the gRPC stream.
type requestContexts struct {
	t  *testing.T
	mu sync.Mutex
	// servers keeps every server served, so that what a server holds on to
	// stays reachable after the CLI is done with it.
	servers []tfprotov6.ProviderServer
	held    []weak.Pointer[byte]
}

func (r *requestContexts) wrap(srv tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.servers = append(r.servers, srv)
	return contextRecorder{srv, r}
}

// alive counts the recorded contexts still reachable after a collection.
func (r *requestContexts) alive() (alive, calls int) {
	runtime.GC()
	runtime.GC()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.held {
		if w.Value() != nil {
			alive++
		}
	}
	return alive, len(r.held)
}

type contextRecorder struct {
	tfprotov6.ProviderServer
	r *requestContexts
}

func (c contextRecorder) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	v := reflect.ValueOf(ctx)
	if v.Kind() != reflect.Pointer {
		c.r.t.Errorf("the request's context is a %T, not a pointer that can be watched", ctx)
	} else {
		c.r.mu.Lock()
		c.r.held = append(c.r.held, weak.Make((*byte)(v.UnsafePointer())))
		c.r.mu.Unlock()
	}
	return c.ProviderServer.ValidateResourceConfig(ctx, req)
}

// Through the real gRPC path: a `terraform validate` of many resources
// makes one ValidateResourceConfig call each, and once the CLI is done none
// of the contexts the gRPC server made for them may still be reachable
// from the provider server.
func TestAccProtocolServerLetsGoOfFinishedRequestsOverGRPC(t *testing.T) {
	const resources = 100
	tf := newTerraformCLI(t).in(t)
	contexts := &requestContexts{t: t}
	tf.wrapServer = contexts.wrap
	var hcl strings.Builder
	fmt.Fprintf(&hcl, "terraform {\n  required_providers {\n    livechat = { source = %q }\n  }\n}\n", interruptProviderAddr)
	for i := range resources {
		fmt.Fprintf(&hcl, "resource \"livechat_recurrent_charge\" \"rc%d\" {\n  name       = \"Charge %d\"\n  price      = 1900\n  return_url = \"https://example.com/billing/done\"\n}\n", i, i)
	}
	tf.writeConfig(hcl.String())
	tf.mustRun("validate")

	alive, calls := contexts.alive()
	if calls < resources {
		t.Fatalf("the provider saw %d ValidateResourceConfig calls; want at least %d, one a resource", calls, resources)
	}
	if alive > 0 {
		t.Errorf("%d of %d finished gRPC requests are still held in memory; want none", alive, calls)
	}
}
