package schemas

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
)

// The operations weft's own clients send, registered for the gateway's
// persisted operations (operations/<client>.json, in genqlient's export
// format): cli.json is written by `go tool task generate-cli` from the
// CLI's *.graphql files.
//
//go:embed operations/*.json
var operationsFS embed.FS

// Operation is one registered operation: its text exactly as its client
// sends it, and its id, the SHA-256 of that text in hex (what the client
// sends instead of the text, in extensions.persistedQuery.sha256Hash).
type Operation struct {
	ID     string
	Name   string
	Query  string
	Client string // cli, portal
}

// Operations lists every registered operation of every client.
func Operations() ([]Operation, error) {
	files, err := fs.Glob(operationsFS, "operations/*.json")
	if err != nil {
		return nil, err
	}
	var out []Operation
	for _, f := range files {
		b, err := fs.ReadFile(operationsFS, f)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Operations []struct {
				OperationName string `json:"operationName"`
				Query         string `json:"query"`
			} `json:"operations"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", f, err)
		}
		client := path.Base(f)
		client = client[:len(client)-len(".json")]
		for _, o := range doc.Operations {
			out = append(out, Operation{ID: OperationID(o.Query), Name: o.OperationName, Query: o.Query, Client: client})
		}
	}
	return out, nil
}

// OperationID is the id of an operation's text: its SHA-256 in hex.
func OperationID(query string) string {
	h := sha256.Sum256([]byte(query))
	return hex.EncodeToString(h[:])
}
