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
