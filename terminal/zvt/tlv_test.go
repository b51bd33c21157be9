package zvt_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestDecodeTLV(t *testing.T) {
	t.Parallel()
	long := bytes.Repeat([]byte{'x'}, 0x0123)
	tests := []struct {
		name       string
		in         []byte
		want       zvt.TLVList
		wantErr    error
		wantOffset int
	}{
		{"primitive", []byte{0x07, 0x02, 'h', 'i'}, zvt.TLVList{{Tag: 0x07, Value: []byte("hi")}}, nil, 0},
		{"empty object", []byte{0x07, 0x00}, zvt.TLVList{{Tag: 0x07, Value: []byte{}}}, nil, 0},
		{"two-byte tag", []byte{0x1F, 0x44, 0x01, 0x09}, zvt.TLVList{{Tag: 0x1F44, Value: []byte{0x09}}}, nil, 0},
		{"three-byte tag", []byte{0x1F, 0x81, 0x01, 0x00}, zvt.TLVList{{Tag: 0x1F8101, Value: []byte{}}}, nil, 0},
		{"FF 01 tag", []byte{0xFF, 0x01, 0x01, 0xAA}, zvt.TLVList{{Tag: 0xFF01, Value: []byte{0xAA}}}, nil, 0},
		{"81 length", append([]byte{0x07, 0x81, 0x80}, long[:0x80]...), zvt.TLVList{{Tag: 0x07, Value: long[:0x80]}}, nil, 0},
		{"82 length big-endian", append([]byte{0x07, 0x82, 0x01, 0x23}, long...), zvt.TLVList{{Tag: 0x07, Value: long}}, nil, 0},
		{
			"constructed nesting",
			[]byte{0x25, 0x07, 0x09, 0x01, 0x00, 0x07, 0x02, 'o', 'k'},
			zvt.TLVList{{Tag: 0x25, Children: zvt.TLVList{{Tag: 0x09, Value: []byte{0}}, {Tag: 0x07, Value: []byte("ok")}}}},
			nil, 0,
		},
		{"empty constructed", []byte{0xE4, 0x00}, zvt.TLVList{{Tag: 0xE4, Children: zvt.TLVList{}}}, nil, 0},
		{
			"unknown tag kept raw",
			[]byte{0x5F, 0x20, 0x02, 0xDE, 0xAD, 0x07, 0x00},
			zvt.TLVList{{Tag: 0x5F20, Value: []byte{0xDE, 0xAD}}, {Tag: 0x07, Value: []byte{}}},
			nil, 0,
		},
		{
			"unknown constructed tag with bad content kept raw",
			[]byte{0x3F, 0x01, 0x02, 0x07, 0x05},
			zvt.TLVList{{Tag: 0x3F01, Value: []byte{0x07, 0x05}}},
			nil, 0,
		},
		{"TLV 82 length past end", []byte{0x07, 0x82, 0x01, 0x00, 'a'}, nil, zvt.ErrShort, 4},
		{"TLV 82 length cut", []byte{0x07, 0x82, 0x01}, nil, zvt.ErrShort, 2},
		{"TLV 81 length past end", []byte{0x07, 0x81, 0x05, 'a'}, nil, zvt.ErrShort, 3},
		{"TLV length form 80", []byte{0x07, 0x80}, nil, zvt.ErrLength, 1},
		{"TLV length form 83 (RFU)", []byte{0x07, 0x83, 0, 0, 1}, nil, zvt.ErrLength, 1},
		{"multi-byte tag cut", []byte{0x1F}, nil, zvt.ErrShort, 1},
		{"tag too long", []byte{0x1F, 0x81, 0x81, 0x81, 0x01}, nil, zvt.ErrFormat, 0},
		{"known constructed with bad content", []byte{0x25, 0x02, 0x07, 0x05}, nil, zvt.ErrShort, 4},
		{"length past end", []byte{0x07, 0x03, 'a'}, nil, zvt.ErrShort, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := zvt.DecodeTLV(tt.in)
			if wantDecodeErr(t, err, tt.wantErr, tt.wantOffset) {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			back, err := zvt.AppendTLV(nil, got)
			if err != nil || !bytes.Equal(back, tt.in) {
				t.Errorf("AppendTLV = % X, %v; want the input back", back, err)
			}
		})
	}
}

func TestTLVDepthLimit(t *testing.T) {
	t.Parallel()
	// nested E4 objects: 2 bytes per level
	nest := func(levels int) []byte {
		b := []byte{0x07, 0x00}
		for range levels {
			b = append([]byte{0xE4, byte(len(b))}, b...)
		}
		return b
	}
	if _, err := zvt.DecodeTLV(nest(zvt.MaxTLVDepth - 1)); err != nil {
		t.Fatalf("depth %d: %v", zvt.MaxTLVDepth-1, err)
	}
	_, err := zvt.DecodeTLV(nest(zvt.MaxTLVDepth))
	if !errors.Is(err, zvt.ErrDepth) {
		t.Fatalf("depth %d: err = %v, want ErrDepth", zvt.MaxTLVDepth, err)
	}
	// unknown constructed tags do not hide the depth error
	deep := []byte{0x07, 0x00}
	for range zvt.MaxTLVDepth + 2 {
		deep = append([]byte{0x3F, 0x01, byte(len(deep))}, deep...)
	}
	if _, err := zvt.DecodeTLV(deep); !errors.Is(err, zvt.ErrDepth) {
		t.Fatalf("unknown constructed nesting: err = %v, want ErrDepth", err)
	}
}

func TestTLVFind(t *testing.T) {
	t.Parallel()
	l := zvt.TLVList{
		zvt.NewTLV(zvt.TagTID, []byte("T1")),
		zvt.NewConstructed(zvt.TagDeviceInfo, zvt.NewTLV(zvt.TagDeviceName, []byte("sim")), zvt.NewTLV(zvt.TagDeviceState, []byte{2})),
		zvt.NewConstructed(zvt.TagPrintTexts, zvt.NewTLV(zvt.TagTextLine, []byte("a")), zvt.NewTLV(zvt.TagTextLine, []byte("b"))),
	}
	if v, ok := l.Value(zvt.TagDeviceState); !ok || v[0] != 2 {
		t.Errorf("1F43 = %v %v", v, ok)
	}
	if got := l.All(zvt.TagTextLine); len(got) != 2 || string(got[1].Value) != "b" {
		t.Errorf("All(07) = %v", got)
	}
	if _, ok := l.Find(0x1F99); ok {
		t.Errorf("found a missing tag")
	}
	if zvt.TagTID.String() != "1F44" || zvt.TagTID.Name() != "tid" || zvt.Tag(0x5F20).Name() != "tag_5f20" {
		t.Errorf("tag names: %s %s %s", zvt.TagTID, zvt.TagTID.Name(), zvt.Tag(0x5F20).Name())
	}
	b, err := zvt.AppendTLV(nil, l)
	if err != nil {
		t.Fatal(err)
	}
	back, err := zvt.DecodeTLV(b)
	if err != nil || !reflect.DeepEqual(back, l) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, l)
	}
}
