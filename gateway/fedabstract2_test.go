package gateway_test

import "testing"

// An interface whose fields differ by subgraph: shelf's Media has only
// the id, titles' Media adds the title. A query for the title through
// shelf's root field must fetch it from titles for each concrete type,
// never ask shelf for a field its interface lacks.
const shelfSDL = fedV2 + `
type Query {
  shelf: [Media!]!
}

interface Media {
  id: ID!
}

type Book implements Media @key(fields: "id") {
  id: ID!
  pages: Int!
}

type Album implements Media @key(fields: "id") {
  id: ID!
}
`

const titlesSDL = fedV2 + `
interface Media {
  id: ID!
  title: String!
}

type Book implements Media @key(fields: "id") {
  id: ID!
  title: String!
}

type Album implements Media @key(fields: "id") {
  id: ID!
  title: String!
}
`

func TestAnInterfaceFieldOnlyAnotherSubgraphDeclaresIsFetchedFromItPerConcreteType(t *testing.T) {
	shelf := fixture{name: "shelf", sdl: shelfSDL,
		root: obj{"shelf": []any{obj{"__typename": "Book", "id": "b1", "pages": 300}, obj{"__typename": "Album", "id": "a1"}}},
	}
	titles := fixture{name: "titles", sdl: titlesSDL,
		entity: func(rep obj) obj {
			return obj{"__typename": rep["__typename"], "id": rep["id"], "title": map[any]string{"b1": "Dune", "a1": "Blue"}[rep["id"]]}
		},
	}
	c := composeFixtures(t, shelf, titles)
	c.query(`{ shelf { id title } }`, nil).wantData(t, `{"shelf":[{"id":"b1","title":"Dune"},{"id":"a1","title":"Blue"}]}`)
	c.query(`{ shelf { title ... on Book { pages } } }`, nil).wantData(t, `{"shelf":[{"title":"Dune","pages":300},{"title":"Blue"}]}`)
}

// A shared field typed differently by its subgraphs: an object in one, a
// union containing that object in the other (the supergraph takes the
// union). A fragment on another member must not reach the subgraph
// where the field is the object (it could never match there).
const pressSDL = fedV2 + `
type Query {
  headline: Article @shareable
  desk: Desk @shareable
}

type Desk @shareable {
  headline: Article
}

type Article @shareable {
  title: String!
}

type Podcast @shareable {
  title: String!
  minutes: Int!
}

union Story = Article | Podcast

type Extra {
  story: Story
}
`

const wireSDL = fedV2 + `
type Query {
  headline: Story @shareable
  desk: Desk @shareable
}

type Desk @shareable {
  headline: Story
}

union Story = Article | Video

type Article @shareable {
  title: String!
}

type Video {
  title: String!
  seconds: Int!
}
`

func TestASharedFieldThatIsAnObjectInOneSubgraphAndAUnionInAnotherIsAnswered(t *testing.T) {
	article := obj{"__typename": "Article", "title": "Rain"}
	press := fixture{name: "press", sdl: pressSDL, root: obj{"headline": article, "desk": obj{"__typename": "Desk", "headline": article}}}
	wire := fixture{name: "wire", sdl: wireSDL, root: obj{"headline": article, "desk": obj{"__typename": "Desk", "headline": article}}}
	c := composeFixtures(t, press, wire)
	for _, q := range []string{
		`{ headline { ... on Video { seconds } ... on Podcast { minutes } ... on Article { title } } }`,
		`{ headline { __typename ... on Article { title } ... on Video { title } } }`,
	} {
		r := c.query(q, nil)
		if r.status != 200 || len(r.Errors) > 0 || (string(r.Data) != `{"headline":{"title":"Rain"}}` && string(r.Data) != `{"headline":{"__typename":"Article","title":"Rain"}}`) {
			t.Errorf("%s: status %d, errors %+v, data %s", q, r.status, r.Errors, r.Data)
		}
	}
	c.query(`{ desk { headline { ... on Video { seconds } ... on Article { title } } } }`, nil).
		wantData(t, `{"desk":{"headline":{"title":"Rain"}}}`)
}
