package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocolServer is the provider as Terraform talks to it: the
// framework's protocol server, with every per-object call given a context
// that lets go of the request when the call returns.
//
// The framework keeps the cancel function of every call's context until
// StopProvider, which Terraform sends only when it is interrupted. Each
// of those functions holds the request's whole context chain: the gRPC
// stream and its buffers, the request's metadata and the SDK's loggers.
// A plan of 1,000 objects makes about 5,000 such calls, and the plugin's
// live heap grew by about 60 MB over it. Handing the framework a context
// that forgets its parent when the call returns keeps what stays behind
// to a few hundred bytes a call.
func NewProtocolServer(version string) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(New(version)())
	return func() (tfprotov6.ProviderServer, error) {
		srv, err := framework()
		if err != nil {
			return nil, err
		}
		return releasingServer(srv)
	}
}

// frameworkServer is every protocol interface the framework's server
// implements; Terraform's server looks for the optional ones (lists,
// actions, state stores) by type assertion, so the wrapper must keep them.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

func releasingServer(srv tfprotov6.ProviderServer) (tfprotov6.ProviderServer, error) {
	fw, ok := srv.(frameworkServer)
	if !ok {
		return nil, fmt.Errorf("the framework's protocol server (%T) lacks an interface the provider serves", srv)
	}
	return releasing{fw}, nil
}

// releasing wraps the calls Terraform makes once per object or more.
// Calls made once per provider process keep the request's own context, as
// do the two that return a stream: Terraform reads those after the call
// returns, with the request's context still in use.
type releasing struct{ frameworkServer }

// released runs call with a context that forgets ctx once call returns.
func released[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return call(rc, req)
}

func (s releasing) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasing) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasing) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s releasing) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadResource)
}

func (s releasing) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s releasing) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasing) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s releasing) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s releasing) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s releasing) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasing) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadDataSource)
}

func (s releasing) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, req, s.frameworkServer.CallFunction)
}

func (s releasing) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateEphemeralResourceConfig)
}

func (s releasing) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.OpenEphemeralResource)
}

func (s releasing) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.RenewEphemeralResource)
}

func (s releasing) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.CloseEphemeralResource)
}

func (s releasing) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateListResourceConfig)
}

func (s releasing) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateActionConfig)
}

func (s releasing) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanAction)
}

// releasableContext is a request's context until release, and after it a
// context that holds nothing of the request: no values, and done when the
// request's context is. Its parent sits behind an atomic pointer because
// the framework's loggers read values on every call. The deadline and the
// error are kept apart from the parent, because the context contract has
// successive calls of Deadline and Err answer the same, release or not.
type releasableContext struct {
	parent      atomic.Pointer[context.Context]
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool
	err         atomic.Pointer[error]
}

func newReleasableContext(parent context.Context) *releasableContext {
	c := &releasableContext{done: parent.Done()}
	c.deadline, c.hasDeadline = parent.Deadline()
	c.parent.Store(&parent)
	return c
}

// release forgets the parent, keeping its error if it has one already.
func (c *releasableContext) release() {
	_ = c.Err()
	c.parent.Store(nil)
}

func (c *releasableContext) Deadline() (time.Time, bool) { return c.deadline, c.hasDeadline }

func (c *releasableContext) Done() <-chan struct{} { return c.done }

// Err is the request context's error, kept once there is one. Released
// before the request is done, it can only tell from the deadline whether
// the request ran out of time or was cancelled.
func (c *releasableContext) Err() error {
	if err := c.err.Load(); err != nil {
		return *err
	}
	var err error
	if p := c.parent.Load(); p != nil {
		err = (*p).Err()
	} else {
		err = c.doneErr()
	}
	if err == nil {
		return nil
	}
	c.err.CompareAndSwap(nil, &err)
	return *c.err.Load()
}

func (c *releasableContext) doneErr() error {
	select {
	case <-c.done:
		if c.hasDeadline && !time.Now().Before(c.deadline) {
			return context.DeadlineExceeded
		}
		return context.Canceled
	default:
		return nil
	}
}

func (c *releasableContext) Value(key any) any {
	if p := c.parent.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}

func (c *releasableContext) String() string { return "provider.releasableContext" }
