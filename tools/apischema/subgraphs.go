package apischema

import (
	"fmt"

	"weft.dev/schemas"
)

// FromSubgraphs composes the subgraph schemas embedded in weft.dev/schemas,
// in name order. api.graphqls itself is embedded there too once written;
// it is left out, being the output.
func FromSubgraphs() ([]byte, error) {
	var subs []Subgraph
	for _, name := range schemas.Names() {
		if name == "api" {
			continue
		}
		sdl, err := schemas.SDL(name)
		if err != nil {
			return nil, fmt.Errorf("read subgraph schema: %w", err)
		}
		subs = append(subs, Subgraph{Name: name, SDL: sdl})
	}
	if len(subs) == 0 {
		return nil, fmt.Errorf("no subgraph schemas in weft.dev/schemas")
	}
	return Compose(subs)
}
