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
package mqtt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
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
	// ClientID; "pingan-" and the host's time when empty.
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
}

// Status is the broker connection's state (State.Status).
type Status = string

const (
	Connecting Status = "connecting" // the first attempt is under way
	Up         Status = "up"         // connected and subscribed
	Down       Status = "down"       // lost or refused; retrying with a backoff
)

// State is what the administration page shows of the subscription.
type State = pingan.BrokerState

// message is a decoded message waiting to be written.
type message struct {
	readings []pingan.Reading
}

// Subscriber is a running subscription.
type Subscriber struct {
	cfg    Config
	log    *slog.Logger
	cm     *autopaho.ConnectionManager
	queue  chan message
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	state State

	messages, readings, dupes, refused atomic.Int64
}

// Start connects to the broker in the background and subscribes; it
// answers at once (an error only for a bad configuration). Close stops it.
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
	if cfg.ClientID == "" {
		cfg.ClientID = fmt.Sprintf("pingan-%d", time.Now().UnixNano())
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Subscriber{cfg: cfg, log: cfg.Logger.With("broker", redact(u)), queue: make(chan message, 256), cancel: cancel,
		done:  make(chan struct{}),
		state: State{Broker: redact(u), Topic: cfg.Topic, Status: Connecting, Since: cfg.Clock.Now()}}
	pc := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         600, // the broker keeps QoS 1 messages for a short outage
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
			ClientID: cfg.ClientID,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
				s.receive(ctx, pr.Packet.Payload)
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
	go s.write(ctx)
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
// the queue is full, which holds the broker's next message back).
func (s *Subscriber) receive(ctx context.Context, payload []byte) {
	s.messages.Add(1)
	rs, err := pingan.DecodeReadings(payload, s.cfg.Clock.Now())
	if err != nil {
		s.refused.Add(1)
		s.log.Debug("mqtt: a message refused", "error", err)
		return
	}
	select {
	case s.queue <- message{readings: rs}:
	case <-ctx.Done():
	}
}

// write stores the queued messages, those waiting together in one batch.
func (s *Subscriber) write(ctx context.Context) {
	defer close(s.done)
	for {
		var first message
		select {
		case first = <-s.queue:
		case <-ctx.Done():
			return
		}
		batch := []message{first}
		n := len(first.readings)
	more:
		for n < pingan.MaxReadingsBatch {
			select {
			case m := <-s.queue:
				if n+len(m.readings) > pingan.MaxReadingsBatch {
					s.store(ctx, batch)
					batch, n = nil, 0
				}
				batch = append(batch, m)
				n += len(m.readings)
			default:
				break more
			}
		}
		s.store(ctx, batch)
	}
}

// store writes messages as one batch; when the batch is refused, each
// message alone.
func (s *Subscriber) store(ctx context.Context, ms []message) {
	if len(ms) == 0 {
		return
	}
	var all []pingan.Reading
	for _, m := range ms {
		all = append(all, m.readings...)
	}
	for i := range all {
		all[i].Index = i
	}
	res, err := s.cfg.Monitor.Ingest(ctx, s.cfg.Actor, all)
	if err == nil {
		s.readings.Add(int64(res.Accepted))
		s.dupes.Add(int64(res.Duplicates))
		return
	}
	if len(ms) > 1 && pingan.ErrorCode(err) == pingan.EINVALID {
		for _, m := range ms {
			s.store(ctx, []message{m})
		}
		return
	}
	s.refused.Add(int64(len(ms)))
	if pingan.ErrorCode(err) == pingan.EINVALID {
		s.log.Debug("mqtt: a message refused", "error", err)
	} else if ctx.Err() == nil {
		s.log.Error("mqtt: storing readings", "error", err)
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

// Close disconnects and stops the writer; readings queued and not yet
// written are dropped (the broker sends unacknowledged QoS 1 messages
// again to the next session).
func (s *Subscriber) Close(ctx context.Context) error {
	err := s.cm.Disconnect(ctx)
	s.cancel()
	<-s.done
	if errors.Is(err, context.Canceled) || errors.Is(err, autopaho.ConnectionDownError) {
		err = nil
	}
	return err
}
