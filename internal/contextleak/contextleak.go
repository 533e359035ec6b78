// Package contextleak works around a memory leak of
// terraform-plugin-framework, measured on v1.19.0: its protocol 6 server
// keeps the cancel function of every request it has served until Terraform
// calls StopProvider (proto6server.registerContext), and with it the
// request's whole context: its loggers and gRPC stream, about 15 KB. A
// plan of 500 resources makes some 2,000 requests, so the provider's live
// heap grew by 30 MB, and the collector ran most of the time.
// TestWrapLetsGoOfRequestContexts shows the leak, for each request the
// wrapper covers; remove the package when an upstream release fixes it.
package contextleak

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Wrap returns the server factory with each resource request's context
// released when the request returns. The framework's server also serves
// list resources (terraform query), which tf6server finds by a type
// assertion: the wrapper serves them too.
func Wrap(server func() tfprotov6.ProviderServer) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		s := server()
		if ls, ok := s.(listingServer); ok {
			return releasingServer{ls}
		}
		return s // not the framework's: nothing of this workaround applies
	}
}

// releasingServer wraps the requests Terraform makes once per resource
// instance; the others are made a few times per process.
type releasingServer struct {
	listingServer
}

// listingServer is a server that also serves list resources, as
// tf6server asserts (plugin-go's own name for it is deprecated: its
// methods are to move into ProviderServer).
type listingServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.listingServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.listingServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.listingServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.listingServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.listingServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.listingServer.ImportResourceState)
}

// released serves one request with a context that lets go of ctx when the
// request returns.
func released[Req, Resp any](ctx context.Context, req Req, serve func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := &releasableContext{parent: ctx}
	defer rc.release()
	return serve(rc, req)
}

// releasableContext is its parent until release, and afterwards a canceled
// context with no values. Contexts derived from it while the request ran
// were registered with the parent's cancellation, which ends with the
// request, so none of them is left waiting on it.
type releasableContext struct {
	mu     sync.RWMutex
	parent context.Context // nil once released
}

func (c *releasableContext) release() {
	c.mu.Lock()
	c.parent = nil
	c.mu.Unlock()
}

func (c *releasableContext) live() (context.Context, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parent, c.parent != nil
}

func (c *releasableContext) Deadline() (time.Time, bool) {
	if p, ok := c.live(); ok {
		return p.Deadline()
	}
	return time.Time{}, false
}

func (c *releasableContext) Done() <-chan struct{} {
	if p, ok := c.live(); ok {
		return p.Done()
	}
	return closedDone
}

func (c *releasableContext) Err() error {
	if p, ok := c.live(); ok {
		return p.Err()
	}
	return context.Canceled
}

func (c *releasableContext) Value(key any) any {
	if p, ok := c.live(); ok {
		return p.Value(key)
	}
	return nil
}

var closedDone = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()
