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

// writeJSON renders v in one pass: nested json.Marshaler values would have
// encoding/json validate and copy each level's output again, which made a
// listing of a thousand images cost more than its round trip.
func writeJSON(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case obj:
		b.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, f.key); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := writeJSON(b, f.val); err != nil {
				return fmt.Errorf("field %s: %w", f.key, err)
			}
		}
		b.WriteByte('}')
	case list:
		b.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, it); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default: // a leaf: string, int or int64
		leaf, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(leaf)
	}
	return nil
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
		var b bytes.Buffer
		err := writeJSON(&b, body)
		return b.Bytes(), err
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
