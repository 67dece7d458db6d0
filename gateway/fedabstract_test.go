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
