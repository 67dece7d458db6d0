package gateway_test

import "testing"

// Unions and interfaces whose members live in different subgraphs: each
// subgraph knows only its own members, so a fragment on a member another
// subgraph defines must never reach it (the subgraph would refuse the
// whole request as invalid). The supergraph's union or interface is the
// union of the subgraphs' members.

const feedSDL = fedV2 + `
type Query {
  feed: [Media!]!
  node(id: ID!): Node
  latest: Media @shareable
  viewer: Viewer @shareable
}

type Viewer @shareable {
  media: Media
  pick: Node
}

union Media = Book | Song

interface Node {
  id: ID!
}

type Book implements Node @key(fields: "id") {
  id: ID!
  title: String! @shareable
}

type Song @key(fields: "id") {
  id: ID!
  title: String! @shareable
}
`

const cinemaSDL = fedV2 + `
type Query {
  showing: [Media!]!
  screening(id: ID!): Node
  latest: Media @shareable
  viewer: Viewer @shareable
}

type Viewer @shareable {
  media: Media
  pick: Node
}

union Media = Book | Movie

interface Node {
  id: ID!
}

type Book @key(fields: "id") {
  id: ID!
  title: String! @shareable
  adaptation: Movie
}

type Movie implements Node @key(fields: "id") {
  id: ID!
  title: String!
}
`

func abstractFixtures() (fixture, fixture) {
	book := obj{"__typename": "Book", "id": "b1", "title": "Solaris"}
	song := obj{"__typename": "Song", "id": "s1", "title": "Teardrop"}
	movie := obj{"__typename": "Movie", "id": "m1", "title": "Stalker"}
	feed := fixture{name: "feed", sdl: feedSDL,
		root: obj{
			"feed":   []any{book, song},
			"latest": book,
			"viewer": obj{"__typename": "Viewer", "media": book, "pick": book},
			"node": func(a obj) any {
				if a["id"] == "b1" {
					return book
				}
				return nil
			},
		},
		entity: func(rep obj) obj {
			switch rep["__typename"] {
			case "Book":
				return book
			case "Song":
				return song
			}
			return nil
		},
	}
	cinema := fixture{name: "cinema", sdl: cinemaSDL,
		root: obj{
			"showing":   []any{movie, obj{"__typename": "Book", "id": "b1", "title": "Solaris", "adaptation": movie}},
			"screening": func(a obj) any { return movie },
			"latest":    obj{"__typename": "Book", "id": "b1", "title": "Solaris", "adaptation": movie},
			"viewer":    obj{"__typename": "Viewer", "media": obj{"__typename": "Book", "id": "b1", "title": "Solaris"}, "pick": obj{"__typename": "Book", "id": "b1", "title": "Solaris"}},
		},
		entity: func(rep obj) obj {
			switch rep["__typename"] {
			case "Book":
				return obj{"__typename": "Book", "id": "b1", "title": "Solaris", "adaptation": movie}
			case "Movie":
				return movie
			}
			return nil
		},
	}
	return feed, cinema
}

func TestAUnionWhoseMembersLiveInDifferentSubgraphsSendsEachOnlyItsOwnMembers(t *testing.T) {
	feed, cinema := abstractFixtures()
	c := composeFixtures(t, feed, cinema)
	c.query(`{ feed { __typename ... on Book { title } ... on Song { title } ... on Movie { title } } }`, nil).
		wantData(t, `{"feed":[{"__typename":"Book","title":"Solaris"},{"__typename":"Song","title":"Teardrop"}]}`)
	c.query(`{ showing { ... on Movie { title } ... on Song { title } ... on Book { adaptation { title } } } }`, nil).
		wantData(t, `{"showing":[{"title":"Stalker"},{"adaptation":{"title":"Stalker"}}]}`)
	c.query(`{ feed { ... on Book { adaptation { title } } ... on Movie { id } } }`, nil).
		wantData(t, `{"feed":[{"adaptation":{"title":"Stalker"}},{}]}`)
}

func TestAnInterfaceWhoseImplementationsLiveInDifferentSubgraphsSendsEachOnlyItsOwn(t *testing.T) {
	feed, cinema := abstractFixtures()
	c := composeFixtures(t, feed, cinema)
	c.query(`{ node(id: "b1") { id ... on Book { title } ... on Movie { title } } }`, nil).
		wantData(t, `{"node":{"id":"b1","title":"Solaris"}}`)
	c.query(`{ screening(id: "m1") { id ... on Movie { title } ... on Book { title } } }`, nil).
		wantData(t, `{"screening":{"id":"m1","title":"Stalker"}}`)
}

func TestAShareableRootFieldOverAUnionWithDifferentMembersPerSubgraphSendsEachOnlyItsOwnMembers(t *testing.T) {
	feed, cinema := abstractFixtures()
	c := composeFixtures(t, feed, cinema)
	for _, q := range []string{
		`{ latest { ... on Movie { title } } }`,
		`{ latest { ... on Song { title } } }`,
		`{ viewer { media { ... on Movie { title } } } }`,
		`{ viewer { media { ... on Song { title } } } }`,
	} {
		c.query(q, nil).wantData(t, map[bool]string{true: `{"latest":{}}`, false: `{"viewer":{"media":{}}}`}[q[2] == 'l'])
	}
	c.query(`{ latest { __typename ... on Song { title } ... on Movie { title } ... on Book { title } } }`, nil).
		wantData(t, `{"latest":{"__typename":"Book","title":"Solaris"}}`)
	c.query(`{ viewer { media { __typename ... on Song { title } ... on Movie { title } ... on Book { title } } } }`, nil).
		wantData(t, `{"viewer":{"media":{"__typename":"Book","title":"Solaris"}}}`)
	c.query(`{ viewer { pick { id ... on Movie { title } ... on Book { title } } } }`, nil).
		wantData(t, `{"viewer":{"pick":{"id":"b1","title":"Solaris"}}}`)
}

// kitchen's Kettle does not implement Thing; in warranty it does, so in
// the supergraph it does. A fragment on Thing over kitchen's union must
// still select Kettles' fields, and a fragment on Kettle inside a Thing
// selection must not reach kitchen, where it is impossible.
const kitchenSDL = fedV2 + `
type Query {
  appliances: [Appliance!]!
  things: [Thing!]!
}

union Appliance = Kettle | Fridge

interface Thing {
  id: ID!
}

type Kettle @key(fields: "id") {
  id: ID!
}

type Fridge implements Thing @key(fields: "id") {
  id: ID!
  volume: Int!
}
`

const warrantySDL = fedV2 + `
interface Thing {
  id: ID!
}

type Kettle implements Thing @key(fields: "id") {
  id: ID!
  watts: Int!
}
`

func TestAnInterfaceAnObjectImplementsOnlyInAnotherSubgraphIsAnsweredForItEverywhere(t *testing.T) {
	kettle := obj{"__typename": "Kettle", "id": "k1"}
	fridge := obj{"__typename": "Fridge", "id": "f1", "volume": 300}
	kitchen := fixture{name: "kitchen", sdl: kitchenSDL,
		root: obj{"appliances": []any{kettle, fridge}, "things": []any{fridge}},
		entity: func(rep obj) obj {
			switch rep["__typename"] {
			case "Kettle":
				return kettle
			case "Fridge":
				return fridge
			}
			return nil
		},
	}
	warranty := fixture{name: "warranty", sdl: warrantySDL,
		entity: func(rep obj) obj { return obj{"__typename": "Kettle", "id": rep["id"], "watts": 2000} },
	}
	c := composeFixtures(t, kitchen, warranty)
	c.query(`{ appliances { ... on Thing { id } } }`, nil).wantData(t, `{"appliances":[{"id":"k1"},{"id":"f1"}]}`)
	c.query(`{ things { ... on Fridge { volume } ... on Kettle { id watts } } }`, nil).wantData(t, `{"things":[{"volume":300}]}`)
	c.query(`{ things { id } }`, nil).wantData(t, `{"things":[{"id":"f1"}]}`)
	c.query(`{ appliances { __typename ... on Kettle { watts } ... on Thing { id } } }`, nil).
		wantData(t, `{"appliances":[{"__typename":"Kettle","watts":2000,"id":"k1"},{"__typename":"Fridge","id":"f1"}]}`)
}

// An entity interface: inventory owns Item and its implementations,
// pricing adds a field to every Item through an @interfaceObject and
// knows none of the implementations.
const inventorySDL = fedV2 + `
type Query {
  items: [Item!]!
}

interface Item @key(fields: "id") {
  id: ID!
}

type Chair implements Item @key(fields: "id") {
  id: ID!
  legs: Int!
}

type Lamp implements Item @key(fields: "id") {
  id: ID!
  watts: Int!
}
`

const pricingSDL = fedV2 + `
type Query {
  cheapest: Item
}

type Item @key(fields: "id") @interfaceObject {
  id: ID!
  price: Int!
}
`

func TestAnInterfaceObjectsFieldsAndItsImplementationsComeFromTheirOwnSubgraphs(t *testing.T) {
	chair := obj{"__typename": "Chair", "id": "c1", "legs": 4}
	lamp := obj{"__typename": "Lamp", "id": "l1", "watts": 40}
	prices := map[any]int{"c1": 50, "l1": 20}
	inventory := fixture{name: "inventory", sdl: inventorySDL,
		root: obj{"items": []any{chair, lamp}},
		entity: func(rep obj) obj {
			switch rep["id"] {
			case "c1":
				return chair
			case "l1":
				return lamp
			}
			return nil
		},
	}
	pricing := fixture{name: "pricing", sdl: pricingSDL,
		root:   obj{"cheapest": obj{"__typename": "Item", "id": "l1", "price": 20}},
		entity: func(rep obj) obj { return obj{"__typename": "Item", "id": rep["id"], "price": prices[rep["id"]]} },
	}
	c := composeFixtures(t, inventory, pricing)
	c.query(`{ items { id price ... on Lamp { watts } } }`, nil).
		wantData(t, `{"items":[{"id":"c1","price":50},{"id":"l1","price":20,"watts":40}]}`)
	c.query(`{ cheapest { price ... on Lamp { watts } ... on Chair { legs } } }`, nil).
		wantData(t, `{"cheapest":{"price":20,"watts":40}}`)
	c.query(`{ cheapest { __typename id } }`, nil).wantData(t, `{"cheapest":{"__typename":"Lamp","id":"l1"}}`)
}

// A union nested below an interface, its members spread over subgraphs:
// catalog returns Agency as a value type with only its id, agencies owns
// Agency's other fields and a member catalog does not know.
const catalogUnionSDL = fedV2 + `
type Query {
  products: [Product!]!
}

interface Product {
  id: ID!
  publisher: Publisher
}

type Book implements Product @key(fields: "id") {
  id: ID!
  publisher: Publisher
}

union Publisher = Agency | SelfPublished

type Agency {
  id: ID! @shareable
}

type SelfPublished {
  email: String
}
`

const agenciesSDL = fedV2 + `
type Agency @key(fields: "id") {
  id: ID!
  companyName: String
}

type Group @key(fields: "id") {
  id: ID!
  name: String
}

extend union Publisher = Agency | Group
`

func TestANestedUnionWhoseMembersLiveInDifferentSubgraphsIsAnswered(t *testing.T) {
	catalog := fixture{name: "catalog", sdl: catalogUnionSDL,
		root: obj{"products": []any{
			obj{"__typename": "Book", "id": "b1", "publisher": obj{"__typename": "Agency", "id": "a1"}},
			obj{"__typename": "Book", "id": "b2", "publisher": obj{"__typename": "SelfPublished", "email": "me@example.com"}},
		}},
	}
	agencies := fixture{name: "agencies", sdl: agenciesSDL,
		entity: func(rep obj) obj {
			if rep["__typename"] == "Agency" {
				return obj{"__typename": "Agency", "id": rep["id"], "companyName": "Acme"}
			}
			return nil
		},
	}
	c := composeFixtures(t, catalog, agencies)
	c.query(`{ products { id publisher { __typename ... on Agency { id companyName } ... on Group { id name } ... on SelfPublished { email } } } }`, nil).
		wantData(t, `{"products":[{"id":"b1","publisher":{"__typename":"Agency","id":"a1","companyName":"Acme"}},{"id":"b2","publisher":{"__typename":"SelfPublished","email":"me@example.com"}}]}`)
	c.query(`{ products { ... on Book { publisher { ... on Group { name } ... on Agency { companyName } } } } }`, nil).
		wantData(t, `{"products":[{"publisher":{"companyName":"Acme"}},{"publisher":{}}]}`)
}

// The same when the subgraph returning the union does not know the
// interface at all.
const shedSDL = fedV2 + `
type Query {
  tools: [Tool!]!
}

union Tool = Saw | Drill

type Saw @key(fields: "id") {
  id: ID!
}

type Drill @key(fields: "id") {
  id: ID!
  speed: Int!
}
`

const manualsSDL = fedV2 + `
type Query {
  documented: [Documented!]!
}

interface Documented {
  id: ID!
  manual: String!
}

type Saw implements Documented @key(fields: "id") {
  id: ID!
  manual: String!
}
`

func TestAFragmentOnAnInterfaceTheSubgraphDoesNotKnowIsAnswered(t *testing.T) {
	saw := obj{"__typename": "Saw", "id": "s1"}
	drill := obj{"__typename": "Drill", "id": "d1", "speed": 3}
	shed := fixture{name: "shed", sdl: shedSDL,
		root: obj{"tools": []any{saw, drill}},
		entity: func(rep obj) obj {
			if rep["__typename"] == "Saw" {
				return saw
			}
			return drill
		},
	}
	manuals := fixture{name: "manuals", sdl: manualsSDL,
		root:   obj{"documented": []any{obj{"__typename": "Saw", "id": "s1", "manual": "cut"}}},
		entity: func(rep obj) obj { return obj{"__typename": "Saw", "id": rep["id"], "manual": "cut"} },
	}
	c := composeFixtures(t, shed, manuals)
	c.query(`{ tools { __typename ... on Documented { id manual } ... on Drill { speed } } }`, nil).
		wantData(t, `{"tools":[{"__typename":"Saw","id":"s1","manual":"cut"},{"__typename":"Drill","speed":3}]}`)
	c.query(`{ documented { manual ... on Saw { id } } tools { ... on Saw { manual } } }`, nil).
		wantData(t, `{"documented":[{"manual":"cut","id":"s1"}],"tools":[{"manual":"cut"},{}]}`)
}
