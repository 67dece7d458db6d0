package gateway_test

import (
	"strings"
	"testing"
)

// Composition refuses a supergraph in which a query the client schema
// accepts cannot be resolved by any subgraph (Apollo's composition calls
// it unsatisfiable): the specification wants such a query answered with
// an error, and a gateway that composed it answers some of them with data
// no subgraph vouches for.

// Both subgraphs serve lookup, and each marks the key of the other's
// type @external: whichever answers, it can neither resolve the id of the
// other's objects nor fetch them elsewhere, since that needs the id.
const peopleSDL = fedV2 + `
type Query {
  lookup(id: ID!): Thing @shareable
}

interface Thing {
  id: ID!
}

type Person implements Thing @key(fields: "id") {
  id: ID!
  name: String!
}

type Room implements Thing @key(fields: "id") {
  id: ID! @external
  occupant: Person
}
`

const roomsSDL = fedV2 + `
type Query {
  lookup(id: ID!): Thing @shareable
}

interface Thing {
  id: ID!
}

type Person implements Thing @key(fields: "id") {
  id: ID! @external
  rooms: [Room!]!
}

type Room implements Thing @key(fields: "id") {
  id: ID!
  floor: Int!
}
`

func TestAShareableRootFieldWhoseTypesKeysAreExternalIsRefused(t *testing.T) {
	people := fixture{name: "people", sdl: peopleSDL, root: obj{"lookup": func(obj) any { return nil }}}
	rooms := fixture{name: "rooms", sdl: roomsSDL, root: obj{"lookup": func(obj) any { return nil }}}
	_, err := tryComposeFixtures(t, people, rooms)
	if err == nil || !strings.Contains(err.Error(), "unsatisfiable") || !strings.Contains(err.Error(), "Query.lookup") || !strings.Contains(err.Error(), ".id") {
		t.Fatalf("composition = %v, want it refused as unsatisfiable, naming Query.lookup and the id", err)
	}
}

// catalog serves an entity interface it has no implementation of;
// labels adds a field to it through an @interfaceObject that other
// subgraphs cannot fetch from (resolvable: false).
const catalogSDL = fedV2 + `
type Query {
  asset: Asset
}

interface Asset @key(fields: "id") {
  id: ID!
}
`

const labelsSDL = fedV2 + `
type Query {
  labelled: Asset
}

type Asset @key(fields: "id", resolvable: false) @interfaceObject {
  id: ID!
  label: String
}
`

func TestARootFieldOverANonResolvableInterfaceObjectIsRefused(t *testing.T) {
	catalog := fixture{name: "catalog", sdl: catalogSDL, root: obj{"asset": func(obj) any { return nil }}}
	labels := fixture{name: "labels", sdl: labelsSDL, root: obj{"labelled": obj{"__typename": "Asset", "id": "a1", "label": "x"}}}
	_, err := tryComposeFixtures(t, catalog, labels)
	if err == nil || !strings.Contains(err.Error(), "Query.asset") || !strings.Contains(err.Error(), "Asset.label") {
		t.Fatalf("composition = %v, want it refused as unsatisfiable, naming Query.asset and Asset.label", err)
	}
	if strings.Contains(err.Error(), "Query.labelled") {
		t.Errorf("labelled is satisfiable (labels resolves every field of its Asset), but was refused: %v", err)
	}
}
