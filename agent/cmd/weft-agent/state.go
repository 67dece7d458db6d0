package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"weft.dev/events/clusterstate"
)

// stateSection is one object of state.json: the entries of some kinds,
// by id.
type stateSection struct {
	name  string
	kinds []string
}

var (
	stateSections = []stateSection{
		{"peers", []string{clusterstate.KindPeer}},
		{"routes", []string{clusterstate.KindRoute}},
		{"records", []string{clusterstate.KindDNS}},
	}
	kubeSections = []stateSection{
		{"namespaces", []string{clusterstate.KindNamespace}},
		{"workloads", []string{clusterstate.KindWorkload}},
		{"exports", []string{clusterstate.KindExport}},
		{"imports", []string{clusterstate.KindImport}},
	}
)

// writeState writes state.json's document to w: the applied sequence, the
// gateway's own entry, peers, routes and records by id (sorted), and in
// Kubernetes mode the controller's entries. Each entry is written as it
// came from the streams, on a line of its own, never decoded or indented
// again: the agent's state at 10,000 names is megabytes, and building it
// as one value (maps of entries, then an indented copy) made every write
// as large again in short-lived memory.
func writeState(w io.Writer, applied uint64, state map[string][]byte, kube bool) error {
	byKind := map[string][]string{}
	for key := range state {
		kind, _ := clusterstate.ParseKey(key)
		byKind[kind] = append(byKind[kind], key)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "{\n  \"applied\": %d", applied)
	for _, key := range byKind[clusterstate.KindSelf] {
		if !json.Valid(state[key]) {
			return fmt.Errorf("state entry %s: not JSON", key)
		}
		bw.WriteString(",\n  \"self\": ")
		bw.Write(state[key])
	}
	section := func(indent string, s stateSection, first bool) error {
		var keys []string
		for _, k := range s.kinds {
			keys = append(keys, byKind[k]...)
		}
		slices.Sort(keys)
		if !first {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, "\n%s%q: {", indent, s.name)
		for i, key := range keys {
			v := state[key]
			if !json.Valid(v) {
				return fmt.Errorf("state entry %s: not JSON", key)
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			_, id := clusterstate.ParseKey(key)
			q, _ := json.Marshal(id)
			bw.WriteString("\n  " + indent)
			bw.Write(q)
			bw.WriteString(": ")
			bw.Write(v)
		}
		if len(keys) > 0 {
			bw.WriteString("\n" + indent)
		}
		bw.WriteByte('}')
		return nil
	}
	for _, s := range stateSections {
		if err := section("  ", s, false); err != nil {
			return err
		}
	}
	if kube {
		bw.WriteString(",\n  \"kubernetes\": {")
		for i, s := range kubeSections {
			if err := section("    ", s, i == 0); err != nil {
				return err
			}
		}
		bw.WriteString("\n  }")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// saveState replaces dir/state.json atomically (a reader sees the old
// document or the new one, whole).
func saveState(dir string, applied uint64, state map[string][]byte, kube bool) error {
	tmp := filepath.Join(dir, "state.json.tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := writeState(f, applied, state, kube); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "state.json"))
}
