// Package mqtt subscribes pingan to a monitoring broker (监测数据接入,
// docs/monitoring.md): each message on the topic is a batch of readings in
// the JSON of POST /api/v1/readings, checked by pingan.DecodeReadings and
// stored through pingan.MonitorService. It runs over Eclipse Paho's
// autopaho, which reconnects with a backoff while the broker is down;
// serving goes on meanwhile, the state is logged once per change and
// answered by State for the administration page.
//
// Messages that arrive together are stored together: one goroutine writes,
// and whatever messages are waiting when it starts a batch join it, up to
// pingan.MaxReadingsBatch readings, without waiting on a timer. A message
// refused for a reading (an unknown sensor) is written again alone, so
// that it fails by itself.
//
// A message is acknowledged to the broker (QoS 1, manual acknowledgement)
// only once its readings are stored, or refused as bad input (logged and
// counted; sending it again would not help). A batch the database fails
// to store (busy, a timeout) is tried again after each of Config.StoreRetry;
// when it still fails its messages are not acknowledged and the connection
// they came on is dropped, so that the broker sends them again once
// autopaho reconnects. The session outlives a restart for
// SessionExpiryInterval when the client id stays the same (Config.ClientID,
// pingan-<hostname> by default): messages unacknowledged or sent meanwhile
// come to the next start. Close stops taking messages, stores what is
// queued, lets the acknowledgements go out, and then disconnects.
package mqtt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/pingan-gov/pingan"
)

// Config is what the subscriber needs.
type Config struct {
	// Broker is the broker's URL: tcp://host:1883 (or mqtt://), ssl:// or
	// tls:// for TLS.
	Broker string
	// Topic is the filter subscribed to, such as pingan/readings/#.
	Topic string
	// Username and Password, when the broker asks for them.
	Username, Password string
	// ClientID names the session the broker keeps across reconnects and
	// restarts; DefaultClientID() when empty. Two servers subscribing to
	// the same broker need ids of their own.
	ClientID string
	// Monitor stores the readings, as Actor (a user of the monitor role).
	Monitor pingan.MonitorService
	Actor   *pingan.User
	// Clock; the system clock when nil.
	Clock pingan.Clock
	// Logger; slog.Default() when nil.
	Logger *slog.Logger
	// Backoff between connection attempts; exponential from 1 s to 2 min
	// when nil.
	Backoff func(attempt int) time.Duration
	// StoreRetry is the wait before each new attempt to store a batch the
	// database failed to store; 0.25 s, 1 s and 4 s when nil.
	StoreRetry []time.Duration
}

// DefaultClientID is the client id when none is configured: pingan- and
// the host's name, the same at every start on the host.
func DefaultClientID() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "pingan"
	}
	return "pingan-" + h
}

// ackInterval is how often paho sends the acknowledgements marked, in the
// order the messages came.
const ackInterval = 20 * time.Millisecond

// Status is the broker connection's state (State.Status).
type Status = string

const (
	Connecting Status = "connecting" // the first attempt is under way
	Up         Status = "up"         // connected and subscribed
	Down       Status = "down"       // lost or refused; retrying with a backoff
)

// State is what the administration page shows of the subscription.
type State = pingan.BrokerState

// message is a decoded message waiting to be written, with what
// acknowledges it.
type message struct {
	readings []pingan.Reading
	pub      *paho.Publish
	cli      *paho.Client // the connection it came on
}

// Subscriber is a running subscription.
type Subscriber struct {
	cfg    Config
	log    *slog.Logger
	cm     *autopaho.ConnectionManager
	ctx    context.Context // the writer's; ends when Close is done or gives up
	cancel context.CancelFunc
	done   chan struct{} // closed when the writer has returned

	// queue holds the decoded messages for the writer; Close closes stop,
	// then, under qmu, the queue: no message is queued after.
	queue     chan message
	stop      chan struct{}
	qmu       sync.RWMutex
	closed    bool
	closeOnce sync.Once
	onClosing func() // tests: called once Close has stopped taking messages

	mu    sync.Mutex
	state State

	messages, readings, dupes, refused, acked atomic.Int64
}

// Start connects to the broker in the background and subscribes; it
// answers at once (an error only for a bad configuration). The end of ctx
// does not stop the subscription: Close does, after storing what is queued.
func Start(ctx context.Context, cfg Config) (*Subscriber, error) {
	u, err := brokerURL(cfg.Broker)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Topic) == "" {
		return nil, errors.New("mqtt: " + pingan.Text(pingan.ZH, "monitor.mqtt.topic"))
	}
	if cfg.Monitor == nil || cfg.Actor == nil {
		return nil, errors.New("mqtt: no monitoring service")
	}
	if cfg.Clock == nil {
		cfg.Clock = pingan.SystemClock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Backoff == nil {
		cfg.Backoff = autopaho.NewExponentialBackoff(time.Second, 2*time.Minute, 2*time.Second, 2)
	}
	if cfg.StoreRetry == nil {
		cfg.StoreRetry = []time.Duration{250 * time.Millisecond, time.Second, 4 * time.Second}
	}
	if cfg.ClientID = strings.TrimSpace(cfg.ClientID); cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID()
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Subscriber{cfg: cfg, log: cfg.Logger.With("broker", redact(u)), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		queue: make(chan message, 256), stop: make(chan struct{}),
		state: State{Broker: redact(u), Topic: cfg.Topic, Status: Connecting, Since: cfg.Clock.Now()}}
	pc := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         600, // the broker keeps QoS 1 messages for a short outage or a restart
		ReconnectBackoff:              cfg.Backoff,
		ConnectTimeout:                10 * time.Second,
		ConnectUsername:               cfg.Username,
		ConnectPassword:               []byte(cfg.Password),
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			// Subscribing waits for the broker's answer: not in this callback.
			go s.subscribe(ctx, cm)
		},
		OnConnectionDown: func() bool {
			s.setStatus(Down, "connection lost")
			return true
		},
		OnConnectError: func(err error) { s.setStatus(Down, err.Error()) },
		ClientConfig: paho.ClientConfig{
			ClientID:                   cfg.ClientID,
			EnableManualAcknowledgment: true,
			SendAcksInterval:           ackInterval,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
				s.receive(pr.Client, pr.Packet)
				return true, nil
			}},
		},
	}
	cm, err := autopaho.NewConnection(ctx, pc)
	if err != nil {
		cancel()
		return nil, err
	}
	s.cm = cm
	go s.write()
	return s, nil
}

// brokerURL parses the broker's address; tcp:// is MQTT's mqtt://.
func brokerURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mqtt: %s", pingan.Text(pingan.ZH, "monitor.mqtt.broker", s))
	}
	switch u.Scheme {
	case "tcp", "mqtt":
		u.Scheme = "mqtt"
	case "ssl", "tls", "mqtts":
		u.Scheme = "tls"
	default:
		return nil, fmt.Errorf("mqtt: %s", pingan.Text(pingan.ZH, "monitor.mqtt.broker", s))
	}
	return u, nil
}

// redact answers the URL without a password.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// subscribe subscribes to the topic after each connection.
func (s *Subscriber) subscribe(ctx context.Context, cm *autopaho.ConnectionManager) {
	if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: s.cfg.Topic, QoS: 1}}}); err != nil {
		if ctx.Err() == nil {
			s.setStatus(Down, "subscribe: "+err.Error())
		}
		return
	}
	s.setStatus(Up, "")
}

// setStatus records the state and logs it once per change.
func (s *Subscriber) setStatus(st Status, problem string) {
	s.mu.Lock()
	changed := s.state.Status != st
	if changed {
		s.state.Status, s.state.Since = st, s.cfg.Clock.Now()
	}
	if problem != "" {
		s.state.LastError = problem
	}
	s.mu.Unlock()
	if !changed {
		return
	}
	if st == Up {
		s.log.Info("mqtt: subscribed", "topic", s.cfg.Topic)
	} else {
		s.log.Warn("mqtt: broker unreachable; retrying with a backoff", "state", string(st), "error", problem)
	}
}

// receive decodes a message and queues it for the writer (waiting while
// the queue is full, which holds the broker's next message back). A bad
// message is acknowledged at once; once Close began, a message that finds
// the queue full is left unacknowledged for the next session.
func (s *Subscriber) receive(cli *paho.Client, pub *paho.Publish) {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	if s.closed {
		return
	}
	s.messages.Add(1)
	m := message{pub: pub, cli: cli}
	rs, err := pingan.DecodeReadings(pub.Payload, s.cfg.Clock.Now())
	if err != nil {
		s.refuse(m, err)
		return
	}
	m.readings = rs
	// A place in the queue first: Close may begin meanwhile, and a select
	// with both of its cases ready picks one at random.
	select {
	case s.queue <- m:
		return
	default:
	}
	select {
	case s.queue <- m:
	case <-s.stop:
		s.messages.Add(-1)
	}
}

// refuse counts, logs and acknowledges a message refused as bad input.
func (s *Subscriber) refuse(m message, err error) {
	s.refused.Add(1)
	s.log.Warn("mqtt: a message refused", "topic", m.pub.Topic, "error", pingan.ErrorText(err, pingan.EN))
	s.ack(m)
}

// ack acknowledges a message to the broker; paho sends it once the
// messages before it are acknowledged too. On a connection since lost it
// does nothing: the broker sends the message again, a duplicate then.
func (s *Subscriber) ack(m message) {
	if m.cli == nil {
		return
	}
	if err := m.cli.Ack(m.pub); err != nil && !errors.Is(err, paho.ErrPacketNotFound) {
		s.log.Debug("mqtt: acknowledging", "error", err)
		return
	}
	s.acked.Add(1)
}

// write stores the queued messages, those waiting together in one batch,
// until Close has closed the queue and it is empty.
func (s *Subscriber) write() {
	defer close(s.done)
	for first := range s.queue {
		batch := []message{first}
		n := len(first.readings)
	more:
		for n < pingan.MaxReadingsBatch {
			select {
			case m, ok := <-s.queue:
				if !ok {
					break more
				}
				if n+len(m.readings) > pingan.MaxReadingsBatch {
					s.store(batch)
					batch, n = nil, 0
				}
				batch = append(batch, m)
				n += len(m.readings)
			default:
				break more
			}
		}
		s.store(batch)
	}
}

// store writes messages as one batch and acknowledges them; when the batch
// is refused, each message alone; when the database fails, again after
// each wait of StoreRetry, and then it leaves them to the broker to send
// again.
func (s *Subscriber) store(ms []message) {
	if len(ms) == 0 || s.ctx.Err() != nil {
		return // Close gave up: the broker sends them again
	}
	var all []pingan.Reading
	for _, m := range ms {
		all = append(all, m.readings...)
	}
	for i := range all {
		all[i].Index = i
	}
	var err error
	for attempt := 0; ; attempt++ {
		var res pingan.IngestResult
		res, err = s.cfg.Monitor.Ingest(s.ctx, s.cfg.Actor, all)
		if err == nil {
			s.readings.Add(int64(res.Accepted))
			s.dupes.Add(int64(res.Duplicates))
			for _, m := range ms {
				s.ack(m)
			}
			return
		}
		if pingan.ErrorCode(err) == pingan.EINVALID || attempt >= len(s.cfg.StoreRetry) || s.ctx.Err() != nil {
			break
		}
		s.log.Warn("mqtt: storing readings failed; trying again", "attempt", attempt+1, "error", err)
		t := time.NewTimer(s.cfg.StoreRetry[attempt])
		select {
		case <-t.C:
		case <-s.ctx.Done():
			t.Stop()
		}
	}
	if pingan.ErrorCode(err) == pingan.EINVALID {
		if len(ms) > 1 {
			for _, m := range ms {
				s.store([]message{m})
			}
			return
		}
		s.refuse(ms[0], err)
		return
	}
	if s.ctx.Err() != nil {
		return
	}
	s.log.Error("mqtt: storing readings failed; the broker sends them again after reconnecting", "messages", len(ms), "error", err)
	s.resend(ms)
}

// resend drops the connections the messages came on, unacknowledged: the
// broker sends them again when autopaho reconnects. Left on the
// connection, a message never acknowledged would hold back the
// acknowledgements of every message after it (they go in order), and the
// broker would stop sending once its window of unacknowledged messages is
// full. Closing the network connection is paho's one way to drop it so
// that autopaho reconnects (as on any loss of the connection).
func (s *Subscriber) resend(ms []message) {
	seen := map[*paho.Client]bool{}
	for _, m := range ms {
		if m.cli != nil && !seen[m.cli] {
			seen[m.cli] = true
			m.cli.TerminateConnectionForTest()
		}
	}
}

// State answers the subscription's state and counts.
func (s *Subscriber) State() State {
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	st.Messages, st.Readings, st.Dupes, st.Refused = s.messages.Load(), s.readings.Load(), s.dupes.Load(), s.refused.Load()
	return st
}

// Close stops taking messages (those arriving meanwhile are left to the
// broker to send to the next session), stores the messages queued, waits
// for their acknowledgements to go out, and disconnects. When ctx ends
// first, the writing stops: what was not stored is not acknowledged, and
// the broker sends it again to the next session.
func (s *Subscriber) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		close(s.stop) // a receive waiting on a full queue returns
		s.qmu.Lock()
		s.closed = true
		close(s.queue)
		s.qmu.Unlock()
	})
	if s.onClosing != nil {
		s.onClosing()
	}
	select {
	case <-s.done:
		if s.acked.Load() > 0 {
			// paho sends the acknowledgements marked on a ticker.
			t := time.NewTimer(3 * ackInterval)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
	case <-ctx.Done():
		s.cancel()
		<-s.done
	}
	err := s.cm.Disconnect(ctx)
	s.cancel()
	if errors.Is(err, context.Canceled) || errors.Is(err, autopaho.ConnectionDownError) {
		err = nil
	}
	return err
}
