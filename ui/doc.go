// Package ui is the operator console: the shared Case (one case on one
// terminal: connection, identity, checks as they run, symptom, diagnosis,
// wizard, notes, viewers) and its views. Each view is a Bubble Tea v2
// program whose root Model embeds the *Case and keeps only its own size,
// language, theme, screen, overlays, focus and scroll; the case publishes
// an Event after every change and every view re-renders (leg100/pug's
// services and events). The technician's view is the only one that changes
// the case: a co-pilot's keys, once the technician granted control, reach
// it as the same inputs as the technician's own keys. One component per
// screen (connect, symptom, answer, dashboard, diagnosis, wizard, solved,
// trace). Components
// follow soft-serve's contract: Update, View, help.KeyMap and SetSize, so the
// footer always shows the keys of the screen in front.
//
// Rules (DESIGN.md §UI, research/tui.md): no I/O in Update, everything that
// touches the terminal, the disk or the network runs in a tea.Cmd; one
// spinner that ticks only while work runs, so an idle console writes nothing;
// status always as text as well as colour; no East-Asian-ambiguous glyphs in
// the chrome; mouse off so operators can select text.
//
// Files: case.go (the shared case, events, a new case per connection),
// share.go (viewers, control requests, the watchers line), view.go (a view
// subscribing to the case; viewer and co-pilot keys), app.go (root model,
// layout, keys, overlays), session.go (commands
// and async results: connect, events, runs, fixes, export), connect.go,
// symptom.go, dashboard.go, wizard.go (diagnosis and guided steps),
// answer.go (the answer a lookup opens with), solved.go (the closing screen
// of a case), stop.go (quitting with a test payment in flight), plain.go
// (errors in words, never Go's text), layout.go (wrapping that never splits
// a value), trace.go, overlays.go, input.go (the text fields); backend.go is
// the interface cmd/posdoctor wires.
// Chrome texts are in ui/i18n, styles in ui/theme.
package ui
