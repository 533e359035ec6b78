package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable  = loginIDType{}
	_ basetypes.StringValuable = loginIDValue{}
)

// loginIDType is the element type of shared_login_ids. It differs from
// types.StringType only in how its values print: a set element's attribute
// path embeds the element's String(), and the framework logs such paths at
// DEBUG (for instance on every semantic equality check), while login IDs
// may appear in logs only at TRACE.
type loginIDType struct {
	basetypes.StringType
}

func (t loginIDType) Equal(o attr.Type) bool {
	_, ok := o.(loginIDType)
	return ok
}

func (t loginIDType) String() string { return "loginIDType" }

func (t loginIDType) ValueType(context.Context) attr.Value { return loginIDValue{} }

func (t loginIDType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return loginIDValue{StringValue: in}, nil
}

func (t loginIDType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return loginIDValue{StringValue: s}, nil
}

// loginIDValue is a login ID that prints without its value.
type loginIDValue struct {
	basetypes.StringValue
}

func (v loginIDValue) Type(context.Context) attr.Type { return loginIDType{} }

func (v loginIDValue) Equal(o attr.Value) bool {
	other, ok := o.(loginIDValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// String hides the login ID: it ends up in attribute paths, hence in logs.
func (v loginIDValue) String() string {
	if v.IsNull() || v.IsUnknown() {
		return v.StringValue.String()
	}
	return `"<login ID>"`
}
