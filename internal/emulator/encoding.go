package emulator

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
)

// Responses are built as small ordered trees so that one value renders both
// as JSON and as XML shaped like NCP's documentation (lists wrap one element
// per entry, empty values self-close).

// field is one named member of an obj.
type field struct {
	key string
	val any // obj, list, string, int or int64
}

// obj is an object whose fields keep their order.
type obj []field

// list is an array; item names each entry's element in XML.
type list struct {
	item  string
	items []any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.val)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (l list) MarshalJSON() ([]byte, error) {
	if len(l.items) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(l.items)
}

// stringList converts login IDs and the like into list entries.
func stringList(item string, ss []string) list {
	items := make([]any, len(ss))
	for i, s := range ss {
		items[i] = s
	}
	return list{item: item, items: items}
}

// encode renders a single-field body ({"<root>": {...}}) as JSON, or as XML
// with that field as the root element.
func encode(body obj, asJSON bool) ([]byte, error) {
	if asJSON {
		return json.Marshal(body)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	for _, f := range body {
		writeXML(&b, f.key, f.val)
	}
	return b.Bytes(), nil
}

func writeXML(b *bytes.Buffer, name string, v any) {
	var text string
	switch v := v.(type) {
	case obj:
		if len(v) == 0 {
			fmt.Fprintf(b, "<%s/>", name)
			return
		}
		fmt.Fprintf(b, "<%s>", name)
		for _, f := range v {
			writeXML(b, f.key, f.val)
		}
		fmt.Fprintf(b, "</%s>", name)
		return
	case list:
		if len(v.items) == 0 {
			fmt.Fprintf(b, "<%s/>", name)
			return
		}
		fmt.Fprintf(b, "<%s>", name)
		for _, it := range v.items {
			writeXML(b, v.item, it)
		}
		fmt.Fprintf(b, "</%s>", name)
		return
	case string:
		text = v
	default:
		text = fmt.Sprint(v)
	}
	if text == "" {
		fmt.Fprintf(b, "<%s/>", name)
		return
	}
	fmt.Fprintf(b, "<%s>", name)
	_ = xml.EscapeText(b, []byte(text)) // a bytes.Buffer does not fail
	fmt.Fprintf(b, "</%s>", name)
}
