//go:build tools

// Package tools pins modules that tests and later code need, so go.mod keeps
// them before their first import. Delete a line once real code imports it.
package tools

import (
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/creack/pty"
	_ "github.com/itchyny/gojq"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "go.bug.st/serial"
	_ "golang.org/x/text/encoding/charmap"
	_ "gopkg.in/yaml.v3"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/bubbles/v2/help"
	_ "charm.land/lipgloss/v2"
	_ "github.com/charmbracelet/x/vt"
	_ "github.com/charmbracelet/x/ansi"
)
