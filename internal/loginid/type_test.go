package loginid

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestLoginIDValueHidesItselfInPaths: the framework logs attribute paths at
// DEBUG, and a set element's path embeds the element's String().
func TestLoginIDValueHidesItselfInPaths(t *testing.T) {
	const id = "someone.private@example.com"
	set, diags := types.SetValueFrom(context.Background(), Type{}, []string{id})
	if diags.HasError() {
		t.Fatal(diags)
	}
	p := path.Root("shared_login_ids").AtSetValue(set.Elements()[0])
	if s := p.String(); strings.Contains(s, "someone") {
		t.Errorf("path %s shows the login ID", s)
	}
	var ids []string
	if diags := set.ElementsAs(context.Background(), &ids, false); diags.HasError() || len(ids) != 1 || ids[0] != id {
		t.Errorf("ElementsAs = %q, %v", ids, diags)
	}
}
