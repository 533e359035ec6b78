package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// uniqueIgnoringCase rejects login IDs that differ only in letter case: NCP
// login IDs are e-mail addresses, and the API may not keep the case it was
// sent, so such a pair would never settle into an empty plan.
type uniqueIgnoringCase struct{}

var _ validator.Set = uniqueIgnoringCase{}

func (uniqueIgnoringCase) Description(context.Context) string {
	return "login IDs must be unique ignoring letter case"
}

func (v uniqueIgnoringCase) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueIgnoringCase) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	first := map[string]string{}
	for _, e := range req.ConfigValue.Elements() {
		v, ok := e.(basetypes.StringValuable)
		if !ok {
			continue
		}
		s, d := v.ToStringValue(ctx)
		if d.HasError() || s.IsNull() || s.IsUnknown() {
			continue
		}
		id := s.ValueString()
		if prev, dup := first[loginKey(id)]; dup {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate login ID",
				fmt.Sprintf("The login IDs %q and %q differ only in letter case. NCP compares login IDs ignoring case: keep one of them.", prev, id))
			continue
		}
		first[loginKey(id)] = id
	}
}
