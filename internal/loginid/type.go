package loginid

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable  = Type{}
	_ basetypes.StringValuable = Value{}
)

// Type is the element type of a set of login IDs (shared_login_ids). It differs from
// types.StringType only in how its values print: a set element's attribute
// path embeds the element's String(), and the framework logs such paths at
// DEBUG (for instance on every semantic equality check), while login IDs
// may appear in logs only at TRACE.
type Type struct {
	basetypes.StringType
}

func (t Type) Equal(o attr.Type) bool {
	_, ok := o.(Type)
	return ok
}

func (t Type) String() string { return "Type" }

func (t Type) ValueType(context.Context) attr.Value { return Value{} }

func (t Type) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return Value{StringValue: in}, nil
}

func (t Type) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return Value{StringValue: s}, nil
}

// Value is a login ID that prints without its value.
type Value struct {
	basetypes.StringValue
}

func (v Value) Type(context.Context) attr.Type { return Type{} }

func (v Value) Equal(o attr.Value) bool {
	other, ok := o.(Value)
	return ok && v.StringValue.Equal(other.StringValue)
}

// String hides the login ID: it ends up in attribute paths, hence in logs.
func (v Value) String() string {
	if v.IsNull() || v.IsUnknown() {
		return v.StringValue.String()
	}
	return `"<login ID>"`
}
