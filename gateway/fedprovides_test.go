package gateway_test

import (
	"testing"
)

// Federation v2 lets @provides name fields of an interface, and of a
// union's members through inline fragments; Federation 1 subgraphs
// (no @link) extend an entity owned elsewhere and mark its key and
// provided fields @external. Each composes and answers right.
//
// Provided fields of an object type are answered by the providing
// subgraph without an entity fetch. Those of an interface's or a union's
// members are still fetched from their owner: graphql-go-tools' planner
// matches a @provides only outside inline fragments, and it plans an
// abstract type's fields in fragments on its members. That costs a fetch,
// not correctness (a provided field always has an owner that resolves
// it).

// media owns Film and Song; the picks subgraph returns them through an
// interface and a union and provides their titles.
const mediaSDL = fedV2 + `
type Query {
  film(id: ID!): Film
}

type Film @key(fields: "id") {
  id: ID!
  title: String! @shareable
  year: Int!
}

type Song @key(fields: "id") {
  id: ID!
  title: String! @shareable
  length: Int!
}
`

const picksSDL = fedV2 + `
type Query {
  pick: Item @provides(fields: "title")
  picks: [Pick!]! @provides(fields: "... on Film { title } ... on Song { title }")
}

interface Item {
  id: ID!
  title: String!
}

union Pick = Film | Song

type Film implements Item @key(fields: "id") {
  id: ID!
  title: String! @external
}

type Song implements Item @key(fields: "id") {
  id: ID!
  title: String! @external
}
`

var films = map[string]obj{
	"f1": {"__typename": "Film", "id": "f1", "title": "Metropolis", "year": 1927},
}
var songs = map[string]obj{
	"s1": {"__typename": "Song", "id": "s1", "title": "Teardrop", "length": 330},
}

func mediaFixture() fixture {
	return fixture{name: "media", sdl: mediaSDL,
		root: obj{"film": func(a obj) any { return films[a["id"].(string)] }},
		entity: func(rep obj) obj {
			id, _ := rep["id"].(string)
			switch rep["__typename"] {
			case "Film":
				return films[id]
			case "Song":
				return songs[id]
			}
			return nil
		},
	}
}

func picksFixture() fixture {
	// The picks subgraph knows the titles it provides; other fields of
	// Film and Song come from media.
	return fixture{name: "picks", sdl: picksSDL,
		root: obj{
			"pick": obj{"__typename": "Film", "id": "f1", "title": "Metropolis"},
			"picks": []any{
				obj{"__typename": "Song", "id": "s1", "title": "Teardrop"},
				obj{"__typename": "Film", "id": "f1", "title": "Metropolis"},
			},
		},
		entity: func(rep obj) obj { return obj{"__typename": rep["__typename"], "id": rep["id"]} },
	}
}

func TestProvidesOnAnInterfaceFieldComposesAndServesTheProvidedFieldsFromTheProvider(t *testing.T) {
	c := composeFixtures(t, mediaFixture(), picksFixture())
	c.query(`{ pick { id title } }`, nil).wantData(t, `{"pick":{"id":"f1","title":"Metropolis"}}`)
	c.query(`{ pick { title ... on Film { year } } }`, nil).wantData(t, `{"pick":{"title":"Metropolis","year":1927}}`)
}

func TestProvidesOnAUnionFieldComposesAndServesTheProvidedFieldsFromTheProvider(t *testing.T) {
	c := composeFixtures(t, mediaFixture(), picksFixture())
	c.query(`{ picks { ... on Film { title } ... on Song { title } } }`, nil).
		wantData(t, `{"picks":[{"title":"Teardrop"},{"title":"Metropolis"}]}`)
	c.query(`{ picks { ... on Film { title year } ... on Song { length } } }`, nil).
		wantData(t, `{"picks":[{"length":330},{"title":"Metropolis","year":1927}]}`)
}

// A Federation 1 subgraph: no @link, the entity extended with its key
// and provided field @external.
const fed1ReviewsSDL = `
type Query {
  latestReview: Review
}

type Review {
  body: String!
  author: User @provides(fields: "name")
}

extend type User @key(fields: "id") {
  id: ID! @external
  name: String! @external
  reviews: [Review!]!
}
`

const fed2UsersSDL = fedV2 + `
type Query {
  user(id: ID!): User
}

type User @key(fields: "id") {
  id: ID!
  name: String! @shareable
  email: String!
}
`

func TestFederation1ExternalOnAnExtendedTypeComposesWithAFederation2Subgraph(t *testing.T) {
	ada := obj{"__typename": "User", "id": "u1", "name": "Ada", "email": "ada@example.com"}
	review := obj{"__typename": "Review", "body": "fine", "author": obj{"__typename": "User", "id": "u1", "name": "Ada"}}
	users := fixture{name: "users", sdl: fed2UsersSDL,
		root:   obj{"user": func(a obj) any { return ada }},
		entity: func(rep obj) obj { return ada },
	}
	reviews := fixture{name: "reviews", sdl: fed1ReviewsSDL,
		root: obj{"latestReview": review},
		entity: func(rep obj) obj {
			return obj{"__typename": "User", "id": rep["id"], "reviews": []any{obj{"__typename": "Review", "body": "fine"}}}
		},
	}
	c := composeFixtures(t, users, reviews)
	c.query(`{ latestReview { body author { name } } }`, nil).wantData(t, `{"latestReview":{"body":"fine","author":{"name":"Ada"}}}`)
	if n := c.fx[0].count(); n != 0 {
		t.Errorf("users was called %d times for a name reviews provides", n)
	}
	c.query(`{ latestReview { author { email } } }`, nil).wantData(t, `{"latestReview":{"author":{"email":"ada@example.com"}}}`)
	c.query(`{ user(id: "u1") { name reviews { body } } }`, nil).wantData(t, `{"user":{"name":"Ada","reviews":[{"body":"fine"}]}}`)
}

// The same with @extends instead of the extend keyword, and a root field
// that provides the external field of the extended type.
const fed1AccountsSDL = `
type Query {
  me: Account
  meWithEmail: Account @provides(fields: "email")
}

type Account @key(fields: "id") @extends {
  id: ID! @external
  email: String! @external
  plan: String!
}
`

const fed2ProfilesSDL = fedV2 + `
type Query {
  account(id: ID!): Account
}

type Account @key(fields: "id") {
  id: ID!
  email: String! @shareable
  nickname: String
}
`

func TestFederation1ExternalOnATypeMarkedExtendsComposesWithAFederation2Subgraph(t *testing.T) {
	full := obj{"__typename": "Account", "id": "a1", "email": "ann@example.com", "nickname": "ann"}
	profiles := fixture{name: "profiles", sdl: fed2ProfilesSDL,
		root:   obj{"account": func(obj) any { return full }},
		entity: func(obj) obj { return full },
	}
	accounts := fixture{name: "accounts", sdl: fed1AccountsSDL,
		root: obj{
			"me":          obj{"__typename": "Account", "id": "a1", "plan": "pro"},
			"meWithEmail": obj{"__typename": "Account", "id": "a1", "plan": "pro", "email": "ann@example.com"},
		},
		entity: func(rep obj) obj { return obj{"__typename": "Account", "id": rep["id"], "plan": "pro"} },
	}
	c := composeFixtures(t, profiles, accounts)
	c.query(`{ me { id plan email nickname } }`, nil).wantData(t, `{"me":{"id":"a1","plan":"pro","email":"ann@example.com","nickname":"ann"}}`)
	before := c.fx[0].count()
	c.query(`{ meWithEmail { plan email } }`, nil).wantData(t, `{"meWithEmail":{"plan":"pro","email":"ann@example.com"}}`)
	if n := c.fx[0].count() - before; n != 0 {
		t.Errorf("profiles was called %d times for the email accounts provides", n)
	}
	c.query(`{ account(id: "a1") { nickname plan } }`, nil).wantData(t, `{"account":{"nickname":"ann","plan":"pro"}}`)
}

// A Federation 1 extension with a second key of its own: upc is @external
// (a key field of an extension, as Federation 1 wants) but no other
// subgraph defines it.
const fed1OwnerSDL = `
type Query {
  productInA: Product
}

type Product @key(fields: "id") {
  id: ID!
  name: String
  pid: ID
}
`

const fed1ExtenderSDL = `
type Query {
  productInB: Product
}

extend type Product @key(fields: "id name") @key(fields: "upc") {
  id: ID @external
  name: String @external
  upc: String @external
  price: Float!
}
`

func TestFederation1ExternalKeyFieldsOfAnExtensionAreResolvedByTheExtendingSubgraph(t *testing.T) {
	p := obj{"__typename": "Product", "id": "p1", "name": "Lamp", "pid": "x1"}
	owner := fixture{name: "owner", sdl: fed1OwnerSDL,
		root:   obj{"productInA": p},
		entity: func(obj) obj { return p },
	}
	q := obj{"__typename": "Product", "id": "p1", "name": "Lamp", "upc": "0042", "price": 9.5}
	extender := fixture{name: "extender", sdl: fed1ExtenderSDL,
		root:   obj{"productInB": q},
		entity: func(obj) obj { return q },
	}
	c := composeFixtures(t, owner, extender)
	c.query(`{ productInA { pid upc price } }`, nil).wantData(t, `{"productInA":{"pid":"x1","upc":"0042","price":9.5}}`)
	c.query(`{ productInB { upc name pid price } }`, nil).wantData(t, `{"productInB":{"upc":"0042","name":"Lamp","pid":"x1","price":9.5}}`)
}
