// Package ui is the operator console: a Bubble Tea v2 program with one root
// model that owns layout, overlays and the session, and one component per
// screen (connect, symptom, dashboard, diagnosis, wizard, trace). Components
// follow soft-serve's contract: Update, View, help.KeyMap and SetSize, so the
// footer always shows the keys of the screen in front.
//
// Rules (DESIGN.md §UI, research/tui.md): no I/O in Update, everything that
// touches the terminal, the disk or the network runs in a tea.Cmd; one
// spinner that ticks only while work runs, so an idle console writes nothing;
// status always as text as well as colour; no East-Asian-ambiguous glyphs in
// the chrome; mouse off so operators can select text.
//
// Files: app.go (root model, layout, keys, overlays), session.go (commands
// and async results: connect, events, runs, fixes, export), connect.go,
// symptom.go, dashboard.go, wizard.go (diagnosis and guided steps),
// trace.go, overlays.go, input.go (the text fields); backend.go is the
// interface cmd/posdoctor wires.
// Chrome texts are in ui/i18n, styles in ui/theme.
package ui
