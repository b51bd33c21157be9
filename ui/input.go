package ui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// newField makes a text field for a screen: prompt before the text, at most
// limit characters. Call restyleField on it before use and on every theme
// change.
func newField(prompt string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.CharLimit = limit
	return in
}

// restyleField gives a text field the theme's input styles: text in
// th.Input, placeholder muted, and a cursor that does not blink (no idle
// repaint).
func (m *Model) restyleField(in *textinput.Model) {
	st := textinput.DefaultStyles(m.dark)
	st.Cursor.Blink = false
	st.Focused.Text = m.th.Input
	st.Blurred.Text = m.th.Input
	st.Focused.Placeholder = m.th.Muted
	st.Blurred.Placeholder = m.th.Muted
	in.SetStyles(st)
}

// updateField hands msg (a key or a paste) to a field. A field is being
// edited while it has the focus; a blurred field ignores msg.
func updateField(in *textinput.Model, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd
}
