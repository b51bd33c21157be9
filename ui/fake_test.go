package ui

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// fakeClock is the fixed time of every golden screen.
var fakeClock = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return fakeClock }

type fakeBackend struct {
	mu         sync.Mutex
	sess       *fakeSession
	connectErr error
	exported   []string
}

func (b *fakeBackend) Ports() ([]Port, error) {
	return []Port{{Name: "/dev/ttyUSB0", Product: "FT232R USB UART", VID: "0403", PID: "6001"}}, nil
}

func (b *fakeBackend) Scenarios() []Scenario {
	return []Scenario{
		{Name: "healthy", Description: "A terminal that works: every check passes.", DescriptionZh: "正常的终端：每项检查都通过。"},
		{Name: "lost-card", Description: "The test card is reported lost: host code 41.", DescriptionZh: "测试卡已挂失：主机返回码 41。"},
		{Name: "keys-out-of-sync", Description: "Keys out of sync until the terminal is initialised.", DescriptionZh: "密钥不同步，初始化终端后恢复。"},
	}
}

func (b *fakeBackend) Recent() []string { return []string{"tcp://192.168.1.50:20007"} }

func (b *fakeBackend) Connect(ctx context.Context, target string) (Session, error) {
	if b.connectErr != nil {
		return nil, b.connectErr
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sess == nil {
		b.sess = newFakeSession(target)
	}
	return b.sess, nil
}

func (b *fakeBackend) Symptoms() []model.Symptom {
	return []model.Symptom{
		{ID: model.AuthFailed, Title: model.Text{En: "Authorisation failed", Zh: "授权失败"}, Summary: model.Text{En: "the bank declined (code 05, 51, 61...)", Zh: "银行拒绝交易（05、51、61 等）"}},
		{ID: model.CardError, Title: model.Text{En: "Card error", Zh: "卡片错误"}, Summary: model.Text{En: "card cannot be read or is expired", Zh: "读卡失败或卡片过期"}},
		{ID: model.LostCard, Title: model.Text{En: "Lost card", Zh: "挂失卡"}, Summary: model.Text{En: "host code 41/43: keep the card", Zh: "返回码 41/43：没收卡片"}},
		{ID: model.WrongPIN, Title: model.Text{En: "Wrong PIN", Zh: "密码错误"}, Summary: model.Text{En: "host code 55/75", Zh: "返回码 55/75"}},
		{ID: model.AccountFrozen, Title: model.Text{En: "Account frozen", Zh: "账户冻结"}, Summary: model.Text{En: "host code 62/78", Zh: "返回码 62/78"}},
	}
}

func (b *fakeBackend) Resolve(q string) (model.Input, error) {
	switch q {
	case "41", "挂失卡":
		return model.Input{Symptom: model.LostCard, Codes: []model.Code{{Scheme: model.SchemeUnionPay, Value: "41"}}}, nil
	case "55":
		return model.Input{Symptom: model.WrongPIN, Codes: []model.Code{{Scheme: model.SchemeUnionPay, Value: "55"}}}, nil
	}
	return model.Input{}, &model.ResolveError{Query: q, Suggestions: []model.Suggestion{
		{Input: "41", Text: model.Text{En: "Lost card", Zh: "挂失卡"}},
		{Input: "55", Text: model.Text{En: "Incorrect PIN", Zh: "密码错"}},
	}}
}

// Diagnose returns a fixed diagnosis; the keys step is ruled out once
// status is ok, which shows the re-ranking.
func (b *fakeBackend) Diagnose(in model.Input, results []checks.Result) model.Diagnosis {
	statusOK := false
	for _, r := range results {
		if r.ID == model.CheckStatus && r.Status == model.StatusOK {
			statusOK = true
		}
	}
	d := model.Diagnosis{Symptom: in.Symptom}
	d.Causes = []model.RankedCause{
		{ID: "card_reported_lost", Title: model.Text{En: "Card reported lost or stolen", Zh: "卡片已挂失或被盗"}, Actor: model.ActorFraud, Fraud: true, Score: 90,
			For: []model.Reason{{Text: model.Text{En: "host code 41 from the test transaction", Zh: "测试交易返回码 41"}, Check: model.CheckTransaction}}},
		{ID: "keys_out_of_sync", Title: model.Text{En: "Terminal keys out of sync", Zh: "终端密钥不同步"}, Actor: model.ActorOperator, Score: 40,
			For:     []model.Reason{{Text: model.Text{En: "device state needs initialisation", Zh: "设备状态：需要初始化"}, Check: model.CheckStatus}},
			Against: []model.Reason{{Text: model.Text{En: "other cards work", Zh: "其他卡片正常"}}}},
	}
	keys := model.PlayStep{ID: "initialise_terminal", Cause: "keys_out_of_sync", Actor: model.ActorOperator, Verify: model.CheckStatus, State: model.StepNeedsCheck,
		Text: model.Text{En: "Initialise the terminal (sign in) so it loads fresh keys from the host.", Zh: "对终端进行初始化（签到），从主机重新下载密钥。"},
		Why:  model.Text{En: "Keys out of sync make every transaction fail with a MAC error.", Zh: "密钥不同步会导致所有交易因 MAC 错误失败。"}}
	if statusOK {
		keys.State = model.StepRuledOut
	}
	d.Playbook = []model.PlayStep{
		{ID: "keep_card", Cause: "card_reported_lost", Actor: model.ActorFraud, Fraud: true, State: model.StepTodo,
			Text: model.Text{En: "Keep the card if it is safe to do so, and call the acquirer's risk desk. Do not hand the card back.", Zh: "在确保安全的前提下扣留卡片，并致电收单机构风控部门。不要将卡片交还。"}},
		{ID: "ask_cardholder_bank", Cause: "card_reported_lost", Actor: model.ActorCardholder, State: model.StepTodo,
			Text: model.Text{En: "Ask the cardholder to contact the issuing bank.", Zh: "请持卡人联系发卡行。"}},
		keys,
	}
	return d
}

func (b *fakeBackend) Export(r Report, format string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := "/home/op/posdoctor/reports/20261121T100000Z." + format
	b.exported = append(b.exported, p)
	return p, nil
}

type fakeSession struct {
	target  string
	mu      sync.Mutex
	events  chan checks.Event
	results map[model.CheckID]checks.Result
	runs    [][]model.CheckID
	inits   int
	records []string
	block   chan struct{} // when set, Run waits for it or ctx
	notices []model.Text
}

func (s *fakeSession) NoticeTexts() []model.Text { return s.notices }

func newFakeSession(target string) *fakeSession {
	s := &fakeSession{target: target, events: make(chan checks.Event, 256), results: map[model.CheckID]checks.Result{}}
	for _, id := range model.CheckOrder {
		s.results[id] = checks.Result{ID: id, Status: model.StatusOK, Duration: 300 * time.Millisecond, Summary: "ok"}
	}
	return s
}

func (s *fakeSession) Subscribe() (<-chan checks.Event, func()) { return s.events, func() {} }

func (s *fakeSession) Run(ctx context.Context, ids []model.CheckID, opts RunOptions) []checks.Result {
	s.mu.Lock()
	s.runs = append(s.runs, ids)
	block := s.block
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil
		}
	}
	var out []checks.Result
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		r := s.results[id]
		if s.inits > 0 && id == model.CheckStatus {
			r.Status, r.Summary, r.Text = model.StatusOK, "ready", model.Text{En: "ready", Zh: "就绪"}
		}
		out = append(out, r)
	}
	return out
}

func (s *fakeSession) Identity() terminal.Status {
	return terminal.Status{TID: "52500001", Model: "Move/5000", SoftwareVersion: "3.10.4", Code: 0, Text: "ready", DeviceState: terminal.DeviceReady}
}

func (s *fakeSession) Info() terminal.Info {
	return terminal.Info{Target: s.target, Protocol: "zvt", Link: "sim"}
}

func (s *fakeSession) Initialise(ctx context.Context) (terminal.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inits++
	return terminal.Result{}, nil
}

func (s *fakeSession) Record(kind string, fields map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, fmt.Sprintf("%s %v", kind, fields))
	return nil
}

func (s *fakeSession) Close() error { return nil }

var errRefused = fmt.Errorf("tcp://192.168.1.50:20007: %w: is the terminal on and ECR over LAN enabled?", syscall.ECONNREFUSED)
