package ncloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

func BenchmarkSignature(b *testing.B) {
	for b.Loop() {
		signature(testSecretKey, "GET", "/vserver/v2/getMemberServerImageInstanceList?memberServerImageInstanceNoList.1=123&responseFormatType=json",
			"1700000000000", testAccessKey)
	}
}

// BenchmarkDecodeMemberImageList decodes a full page: 1000 images.
func BenchmarkDecodeMemberImageList(b *testing.B) {
	var list bytes.Buffer
	for i := range 1000 {
		if i > 0 {
			list.WriteByte(',')
		}
		fmt.Fprintf(&list, `{"memberServerImageInstanceNo":"%d","memberServerImageName":"image-%d","memberServerImageDescription":"",
			"originalServerInstanceNo":"%d","originalServerImageProductCode":"SW.VSVR.OS.LNX64.UBNTU.SVR2004.B050",
			"memberServerImageInstanceStatus":{"code":"CREAT","codeName":"NSI CREATED state"},
			"memberServerImageInstanceOperation":{"code":"NULL","codeName":"NSI NULL OP"},
			"memberServerImageInstanceStatusName":"created","createDate":"2025-06-26T11:09:07+0900",
			"memberServerImageBlockStorageTotalRows":1,"memberServerImageBlockStorageTotalSize":53687091200,
			"shareStatus":{"code":"SHARE","codeName":"NSI Share SHARE State"},"sharedLoginIdList":["a@example.com","b@example.com"]}`,
			100000+i, i, 200000+i)
	}
	body := []byte(`{"getMemberServerImageInstanceListResponse":{"requestId":"r","returnCode":"0","returnMessage":"success",
		"totalRows":1000,"memberServerImageInstanceList":[` + list.String() + `]}}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		payload, _, err := readResponse("getMemberServerImageInstanceList", resp)
		if err != nil {
			b.Fatal(err)
		}
		var out memberServerImageList
		if err := json.Unmarshal(payload, &out); err != nil {
			b.Fatal(err)
		}
		imgs := make([]MemberServerImage, 0, len(out.Images))
		for _, m := range out.Images {
			imgs = append(imgs, m.image())
		}
		if len(imgs) != 1000 {
			b.Fatal(len(imgs))
		}
	}
}
