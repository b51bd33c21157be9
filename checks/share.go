package checks

import "fmt"

// EntryShare records remote help on the case (issue 11): a viewer joined
// or left, asked for control, was granted or refused it, control was taken
// back, or a co-pilot's key drove the console. Text is the line the report
// shows; Info holds the fields.
const EntryShare EntryKind = "share"

// Case kinds of remote help (ui.Case's journal events).
const (
	CaseShareStart   CaseKind = "share_start"     // addr, fingerprint
	CaseViewerJoin   CaseKind = "viewer_join"     // viewer, id, addr, lang
	CaseViewerLeave  CaseKind = "viewer_leave"    // viewer, id, had_control
	CaseControlAsk   CaseKind = "control_request" // viewer, id
	CaseControlGrant CaseKind = "control_grant"   // viewer, id
	CaseControlDeny  CaseKind = "control_refuse"  // viewer, id
	CaseControlTake  CaseKind = "control_revoke"  // viewer, id
	CaseRemoteAction CaseKind = "remote_action"   // viewer, id, key, screen
)

// Fields of the remote-help kinds.
const (
	FieldViewer      = "viewer"
	FieldViewerID    = "id"
	FieldAddr        = "addr"
	FieldLang        = "lang"
	FieldHadControl  = "had_control"
	FieldKey         = "key"
	FieldScreen      = "screen"
	FieldFingerprint = "fingerprint"
)

// shareTexts are the report lines of the remote-help kinds (fmt with the
// viewer, then the kind's detail).
var shareTexts = map[CaseKind]string{
	CaseShareStart:   "remote help: case shared at %[2]s, host key %[3]s",
	CaseViewerJoin:   "remote help: %[1]s joined from %[2]s (language %[3]s), read-only",
	CaseViewerLeave:  "remote help: %[1]s left",
	CaseControlAsk:   "remote help: %[1]s asked for control",
	CaseControlGrant: "remote help: control granted to %[1]s",
	CaseControlDeny:  "remote help: control refused to %[1]s",
	CaseControlTake:  "remote help: control taken back from %[1]s",
	CaseRemoteAction: "remote help: %[1]s pressed %[2]s on the %[3]s screen",
}

func init() {
	for k := range shareTexts {
		caseFields[k] = []string{FieldViewer, FieldViewerID, FieldAddr, FieldLang, FieldHadControl, FieldKey, FieldScreen, FieldFingerprint}
	}
	visibleKinds[EntryShare] = true
}

// shareEntry is the journal entry of a remote-help kind; ok is false for
// other kinds.
func shareEntry(k CaseKind, f map[string]string, target string) (Entry, bool) {
	form, ok := shareTexts[k]
	if !ok {
		return Entry{}, false
	}
	var a, b string
	switch k {
	case CaseShareStart:
		a, b = f[FieldAddr], f[FieldFingerprint]
	case CaseViewerJoin:
		a, b = f[FieldAddr], f[FieldLang]
	case CaseRemoteAction:
		a, b = f[FieldKey], f[FieldScreen]
	}
	text := fmt.Sprintf(form, f[FieldViewer], a, b)
	if k == CaseViewerLeave && f[FieldHadControl] == "true" {
		text += " (had control)"
	}
	info := make(map[string]string, len(f)+1)
	for key, v := range f {
		info[key] = v
	}
	info["event"] = string(k)
	return Entry{Kind: EntryShare, Target: target, Text: text, Info: info}, true
}
