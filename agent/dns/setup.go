package dns

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"weft.dev/events/clusterstate"
)

// PluginName is the plugin's name in a Corefile.
const PluginName = "weft"

// CoreDNS keeps its plugins and directives in process-wide registries and
// finds plugins by their package's init, which is how a stock CoreDNS build
// (plugin.cfg: `weft:weft.dev/agent/dns`) gets this one. Tables handed over
// in-process are looked up by a random key a Corefile names.
var (
	directiveOnce sync.Once
	tables        sync.Map // key → *Table
)

func init() { plugin.Register(PluginName, setup) }

// insertDirective puts weft in CoreDNS's directive order where plugin.cfg
// would: before hosts and forward, so names outside its zones fall through
// to them. A stock build has it there already.
func insertDirective() {
	directiveOnce.Do(func() {
		if !slices.Contains(dnsserver.Directives, PluginName) {
			i := slices.Index(dnsserver.Directives, "hosts")
			dnsserver.Directives = slices.Insert(dnsserver.Directives, i, PluginName)
		}
	})
}

// setup reads
//
//	weft [ZONES...] {
//	    table KEY      # a Table handed over in-process (the agent's own server)
//	    state FILE     # or: the agent's state.json, reread when it changes
//	    reload DURATION  # how often FILE is checked (default 2s)
//	}
func setup(c *caddy.Controller) error {
	c.Next() // the directive
	zones := plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
	var table *Table
	var file string
	every := 2 * time.Second
	for c.NextBlock() {
		switch c.Val() {
		case "table":
			if !c.NextArg() {
				return plugin.Error(PluginName, c.ArgErr())
			}
			v, ok := tables.Load(c.Val())
			if !ok {
				return plugin.Error(PluginName, fmt.Errorf("no table %q", c.Val()))
			}
			table = v.(*Table)
		case "state":
			if !c.NextArg() {
				return plugin.Error(PluginName, c.ArgErr())
			}
			file = c.Val()
		case "reload":
			if !c.NextArg() {
				return plugin.Error(PluginName, c.ArgErr())
			}
			d, err := time.ParseDuration(c.Val())
			if err != nil || d <= 0 {
				return plugin.Error(PluginName, fmt.Errorf("reload %q: a positive duration, e.g. 2s", c.Val()))
			}
			every = d
		default:
			return plugin.Error(PluginName, c.Errf("unknown property %q", c.Val()))
		}
	}
	switch {
	case table == nil && file == "":
		return plugin.Error(PluginName, fmt.Errorf("name a source: table KEY or state FILE"))
	case table != nil && file != "":
		return plugin.Error(PluginName, fmt.Errorf("table and state exclude each other"))
	case file != "":
		table = NewTable()
		w := &stateWatcher{file: file, table: table, every: every, stop: make(chan struct{}), done: make(chan struct{})}
		if err := w.load(); err != nil {
			return plugin.Error(PluginName, err)
		}
		c.OnStartup(func() error { go w.run(); return nil })
		c.OnShutdown(func() error { close(w.stop); <-w.done; return nil })
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return &handler{table: table, zones: zones, next: next}
	})
	return nil
}

// stateWatcher keeps a Table equal to the records of an agent's state.json,
// applying what changed: a CoreDNS beside the agent (not inside it) serves
// the same names.
type stateWatcher struct {
	file  string
	table *Table
	every time.Duration
	stop  chan struct{}
	done  chan struct{} // closed when run returns, which shutdown waits for
	mod   time.Time
	size  int64
}

func (w *stateWatcher) run() {
	defer close(w.done)
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			// A half-written or unreadable file keeps the names served now;
			// the agent replaces the file atomically, so the next look works.
			_ = w.load()
		}
	}
}

func (w *stateWatcher) load() error {
	fi, err := os.Stat(w.file)
	if err != nil {
		return fmt.Errorf("state %s: %w", w.file, err)
	}
	if fi.ModTime().Equal(w.mod) && fi.Size() == w.size {
		return nil
	}
	b, err := os.ReadFile(w.file)
	if err != nil {
		return fmt.Errorf("state %s: %w", w.file, err)
	}
	var st struct {
		Records map[string]clusterstate.Record `json:"records"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("state %s: %w", w.file, err)
	}
	for _, r := range st.Records {
		if err := w.table.UpsertRecord(r); err != nil {
			return fmt.Errorf("state %s: %w", w.file, err)
		}
	}
	for _, id := range w.table.RecordIDs() {
		if _, ok := st.Records[id]; !ok {
			_ = w.table.DeleteRecord(id)
		}
	}
	w.mod, w.size = fi.ModTime(), fi.Size()
	return nil
}
