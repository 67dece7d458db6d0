// Command event-catalogue writes weft's event catalogue (a JSON Schema,
// an example and a page per event type) into schemas/events, refusing a
// change that removes or retypes a field of a committed version. Run it
// with go tool task generate-events.
package main

import (
	"flag"
	"fmt"
	"os"

	"weft.dev/services/audit/catalogue"
)

func main() {
	dir := flag.String("o", "schemas/events", "the catalogue's directory")
	flag.Parse()
	reg := catalogue.Registry()
	files, err := catalogue.Generate(reg)
	if err == nil {
		err = catalogue.Write(*dir, reg, files)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "event-catalogue:", err)
		os.Exit(1)
	}
}
