package sim

import "time"

// Handle compiles one ECR command into the PT's steps without playing them
// (no I/O, no delays), for the fuzz target.
func Handle(t *Terminal, apdu []byte) int {
	steps, _ := t.handle(apdu)
	return len(steps)
}

// SetTimeouts shortens the PT's wait for the ECR's answers (answer) and for
// a serial ACK (t2), so crash tests stay fast.
func SetTimeouts(t *Terminal, answer, t2 time.Duration) {
	t.answerWait, t.t2 = answer, t2
}
