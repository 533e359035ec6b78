package contextleak

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type markerKey struct{}

// requests are the ones Wrap covers, each served once on srv with ctx.
var requests = map[string]func(context.Context, tfprotov6.ProviderServer){
	"ValidateResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName})
	},
	"UpgradeResourceState": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName})
	},
	"ReadResource": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName})
	},
	"PlanResourceChange": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName})
	},
	"ApplyResourceChange": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName})
	},
	"ImportResourceState": func(ctx context.Context, s tfprotov6.ProviderServer) {
		_, _ = s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: "1"})
	},
}

// keepsContext serves one request with a context holding a marker and
// reports whether the marker is still reachable after the request returned.
func keepsContext(serve func(context.Context, tfprotov6.ProviderServer), srv tfprotov6.ProviderServer) bool {
	defer runtime.KeepAlive(srv) // as the provider process keeps it
	collected := make(chan struct{})
	func() {
		marker := new([4096]byte)
		runtime.AddCleanup(marker, func(ch chan struct{}) { close(ch) }, collected)
		serve(context.WithValue(context.Background(), markerKey{}, marker), srv)
	}()
	for range 50 {
		runtime.GC()
		select {
		case <-collected:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

func TestWrapLetsGoOfRequestContexts(t *testing.T) {
	for name, serve := range requests {
		t.Run(name, func(t *testing.T) {
			if keepsContext(serve, Wrap(frameworkServer)()) {
				t.Fatal("the request's context is still reachable after the request returned")
			}
		})
	}
}

// TestFrameworkStillLeaks shows the leak this package works around. When it
// fails, the framework lets go of request contexts itself: remove the
// package and its call in main.go.
func TestFrameworkStillLeaks(t *testing.T) {
	if !keepsContext(requests["ReadResource"], frameworkServer()) {
		t.Fatal("terraform-plugin-framework no longer keeps request contexts: this workaround can go")
	}
}

func TestReleasableContext(t *testing.T) {
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), markerKey{}, "v"), time.Hour)
	defer cancel()
	rc := &releasableContext{parent: parent}
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()

	if rc.Value(markerKey{}) != "v" || rc.Err() != nil || rc.Done() != parent.Done() {
		t.Fatal("before release, the context must be its parent")
	}
	if d, ok := rc.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Errorf("deadline = %v, %v; want the parent's", d, ok)
	}
	cancel()
	select {
	case <-child.Done(): // derived contexts follow the parent's cancellation
	case <-time.After(time.Second):
		t.Fatal("a context derived before release was not canceled with the parent")
	}

	rc.release()
	if rc.Value(markerKey{}) != nil {
		t.Error("a released context must hold no values")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err() = %v, want context.Canceled", rc.Err())
	}
	select {
	case <-rc.Done():
	default:
		t.Error("a released context must be done")
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("a released context has no deadline")
	}
}

// terraform query finds list support by a type assertion on the server.
func TestWrapKeepsListResources(t *testing.T) {
	if _, ok := Wrap(frameworkServer)().(tfprotov6.ListResourceServer); !ok {
		t.Fatal("the wrapped server hides the framework's list resource methods")
	}
}
