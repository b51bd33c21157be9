// Package model holds posdoctor's domain: symptoms, causes, remediation
// steps and code tables (the knowledge base, embedded as data), and the
// diagnosis engine that ranks causes from what is known.
//
// It is pure: no I/O beyond reading its own embedded files, no terminal, no
// UI. Everything else imports it; it imports nothing of ours.
package model
