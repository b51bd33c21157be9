package sim

// Handle compiles one ECR command into the PT's steps without playing them
// (no I/O, no delays), for the fuzz target.
func Handle(t *Terminal, apdu []byte) int {
	steps, _ := t.handle(apdu)
	return len(steps)
}
