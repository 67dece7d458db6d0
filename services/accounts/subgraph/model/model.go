// Package model holds the accounts subgraph's GraphQL types: the generated
// ones (models_gen.go) and the few written by hand to carry what their
// field resolvers need.
package model

import (
	"time"

	"weft.dev/services/accounts/readmodel"
)

// Team is the Team entity; Members are resolved from MemberList, so a
// mutation's payload shows the members its command returned.
type Team struct {
	Slug        string             `json:"slug"`
	DisplayName string             `json:"displayName"`
	CreatedAt   *time.Time         `json:"createdAt,omitempty"`
	UpdatedAt   *time.Time         `json:"updatedAt,omitempty"`
	MemberList  []readmodel.Member `json:"-"`
}

// IsEntity marks Team as a federation entity.
func (Team) IsEntity() {}
