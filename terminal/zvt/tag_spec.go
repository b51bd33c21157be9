package zvt

// tagSpec is what the TLV tables say about one tag (tlvNames, tlvText,
// tlvViews, emvSecretTags) and its String, gathered once so that showing and
// masking a data object costs one map lookup, not one per table: a 4 KB
// Print Text-Block holds a hundred objects. The tables stay the source.
type tagSpec struct {
	name   string // tlvNames; "" when the tag is not named
	str    string // Tag.String, made once
	text   bool   // tlvText: the value is text
	view   func(v *viewer, b []byte, it *Item)
	secret bool // emvSecretTags: track data
}

// tagSpecs holds a spec for every tag of any table; a tag of none has no
// spec (nil). It is filled by init: the views it points to show nested
// objects through it, which a variable's initializer may not.
var tagSpecs map[Tag]*tagSpec

func init() {
	tagSpecs = make(map[Tag]*tagSpec, len(tlvNames))
	spec := func(t Tag) *tagSpec {
		sp := tagSpecs[t]
		if sp == nil {
			sp = &tagSpec{name: tlvNames[t], str: tagString(t)}
			tagSpecs[t] = sp
		}
		return sp
	}
	for t := range tlvNames {
		spec(t)
	}
	for t, text := range tlvText {
		spec(t).text = text
	}
	for t, view := range tlvViews {
		spec(t).view = view
	}
	for t, secret := range emvSecretTags {
		spec(t).secret = secret
	}
}

// specName is Tag.Name, from the tag's spec when it has one.
func specName(sp *tagSpec, t Tag) string {
	if sp != nil && sp.name != "" {
		return sp.name
	}
	return t.Name()
}

// specString is Tag.String, from the tag's spec when it has one.
func specString(sp *tagSpec, t Tag) string {
	if sp != nil {
		return sp.str
	}
	return t.String()
}
