package main

import (
	"runtime"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// decode --json explains messages on every core. The conversation is
// followed in input order on the reading goroutine (a Completion's layout
// depends on the command before it: zvt.Tracer.Next); the explaining and
// the JSON of a batch of messages then run on a worker, and one writer
// prints the batches in input order. The bytes are those of explaining one
// message after the other (TestDecodeStreamedEqualsWhole).

// jsonBatchSize is how many messages a worker explains at a time: big
// enough that handing a batch over costs nothing next to explaining it.
const jsonBatchSize = 16

// jsonBatchOut is the room a new batch's JSON starts with: a day's trace
// fills it, and growing it by doubling moves every byte several times.
const jsonBatchOut = 512 << 10

// jsonBatchArena is the room a new batch's APDUs start with: sixteen
// Print Text-Blocks of 4 KB, the biggest messages a trace carries.
const jsonBatchArena = jsonBatchSize * 4 << 10

// jsonJob is one message of a batch: where it was, and how to explain it.
type jsonJob struct {
	msg     decodedMessage // Index, Offset, Link, CRC; View for a control byte
	from    int            // the APDU is batch.arena[from:to]
	to      int
	explain bool // false: a lone ACK/NAK whose view is already in msg
	opts    zvt.ViewOptions
	dir     terminal.Direction
}

// jsonBatch is a run of messages in input order and, once done is closed,
// their JSON (each element begun with jsonElementSep) and decode errors.
type jsonBatch struct {
	jobs  []jsonJob
	arena []byte // the batch's APDUs, copied: the reader reuses its buffer
	out   []byte
	errs  []error
	done  chan struct{}
}

// jsonPipeline hands batches to the workers and the writer.
type jsonPipeline struct {
	cur     *jsonBatch
	work    chan *jsonBatch // to the workers
	order   chan *jsonBatch // to the writer, in input order
	free    chan *jsonBatch // printed batches, their buffers kept for the next
	written chan struct{}   // closed when the writer has printed everything
}

// startJSONPipeline starts the workers and the writer. write prints a
// batch's n messages (jsonArray.addElements); fail records a message that
// did not decode. Both run on the writer's goroutine, in input order.
func startJSONPipeline(write func(out []byte, n int), fail func(index, offset int, err error)) *jsonPipeline {
	workers := runtime.GOMAXPROCS(0)
	p := &jsonPipeline{
		work:    make(chan *jsonBatch, 2*workers),
		order:   make(chan *jsonBatch, 2*workers),
		free:    make(chan *jsonBatch, 4*workers),
		written: make(chan struct{}),
	}
	for range workers {
		go func() {
			e := &zvt.Explainer{OmitHex: true} // the JSON shows its Masked
			for b := range p.work {
				b.explain(e)
			}
		}()
	}
	go func() {
		defer close(p.written)
		for b := range p.order {
			<-b.done
			write(b.out, len(b.jobs))
			for i, err := range b.errs {
				if err != nil {
					fail(b.jobs[i].msg.Index, b.jobs[i].msg.Offset, err)
				}
			}
			select {
			case p.free <- b:
			default:
			}
		}
	}()
	return p
}

// message queues an APDU to be explained; apdu is copied.
func (p *jsonPipeline) message(m decodedMessage, apdu []byte, opts zvt.ViewOptions, dir terminal.Direction) {
	b := p.batch()
	from := len(b.arena)
	b.arena = append(b.arena, apdu...)
	b.jobs = append(b.jobs, jsonJob{msg: m, from: from, to: len(b.arena), explain: true, opts: opts, dir: dir})
	p.full()
}

// control queues a message whose view is already made.
func (p *jsonPipeline) control(m decodedMessage) {
	b := p.batch()
	b.jobs = append(b.jobs, jsonJob{msg: m})
	p.full()
}

func (p *jsonPipeline) batch() *jsonBatch {
	if p.cur != nil {
		return p.cur
	}
	select {
	case b := <-p.free: // growing a fresh buffer costs more than explaining
		b.jobs, b.arena, b.out, b.errs = b.jobs[:0], b.arena[:0], b.out[:0], b.errs[:0]
		b.done = make(chan struct{})
		p.cur = b
	default:
		p.cur = &jsonBatch{jobs: make([]jsonJob, 0, jsonBatchSize), arena: make([]byte, 0, jsonBatchArena),
			out: make([]byte, 0, jsonBatchOut), done: make(chan struct{})}
	}
	return p.cur
}

func (p *jsonPipeline) full() {
	if len(p.cur.jobs) == jsonBatchSize {
		p.send()
	}
}

func (p *jsonPipeline) send() {
	if p.cur == nil {
		return
	}
	p.order <- p.cur
	p.work <- p.cur
	p.cur = nil
}

// drain sends what is queued and waits until all of it is printed; the
// pipeline is not used after it.
func (p *jsonPipeline) drain() {
	p.send()
	close(p.work)
	close(p.order)
	<-p.written
}

// explain makes each message's view and JSON in e's memory: each view is
// written out before the next is made.
func (b *jsonBatch) explain(e *zvt.Explainer) {
	defer close(b.done)
	b.errs = append(b.errs[:0], make([]error, len(b.jobs))...)
	for i := range b.jobs {
		j := &b.jobs[i]
		if j.explain {
			view, err := e.Explain(b.arena[j.from:j.to], j.opts)
			view.Dir = string(j.dir)
			j.msg.View, j.msg.hex, b.errs[i] = view, e.Masked(), err
		}
		b.out = appendMessageJSON(append(b.out, jsonElementSep...), &j.msg, 1)
		j.msg.View, j.msg.hex = zvt.View{}, nil // the bytes are made; let the fields go
	}
}
