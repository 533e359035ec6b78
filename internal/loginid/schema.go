package loginid

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Description is the schema text of a set of login IDs, for the
// resources' MarkdownDescription.
const Description = "Each ID is non-empty, at most 100 characters, without whitespace (any Unicode space) or control characters. " +
	"IDs are compared ignoring letter case: two IDs that differ only in case are an error, and an ID that NCP " +
	"returns in another case than configured keeps the configured spelling."

// BadCharacters is the validation message of an ID with whitespace or a
// control character.
const BadCharacters = "must not contain whitespace (any Unicode space) or control characters"

// SetValidators validate a set of login IDs.
func SetValidators() []validator.Set {
	return []validator.Set{
		setvalidator.ValueStringsAre(
			stringvalidator.UTF8LengthBetween(1, 100),
			stringvalidator.RegexMatches(pattern, BadCharacters),
		),
		uniqueIgnoringCase{},
	}
}

// uniqueIgnoringCase rejects login IDs that differ only in letter case: the
// API may not keep the case it was sent, so such a pair would never settle
// into an empty plan.
type uniqueIgnoringCase struct{}

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
		if prev, dup := first[key(id)]; dup {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate login ID",
				fmt.Sprintf("The login IDs %q and %q differ only in letter case. NCP compares login IDs ignoring case: keep one of them.", prev, id))
			continue
		}
		first[key(id)] = id
	}
}

// SetOf is the set of ids, with this package's element type.
func SetOf(ctx context.Context, ids []string) (types.Set, diag.Diagnostics) {
	return types.SetValueFrom(ctx, Type{}, ids)
}

// FromSet is the IDs of a known set; nil for a null one.
func FromSet(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	var ids []string
	diags := set.ElementsAs(ctx, &ids, true)
	return ids, diags
}

// SameSets reports whether two known, non-null sets name the same logins.
func SameSets(ctx context.Context, a, b types.Set) bool {
	if a.IsUnknown() || b.IsUnknown() || a.IsNull() || b.IsNull() {
		return false
	}
	as, da := FromSet(ctx, a)
	bs, db := FromSet(ctx, b)
	return !da.HasError() && !db.HasError() && Same(as, bs)
}
