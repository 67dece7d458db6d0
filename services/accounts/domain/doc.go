// Package domain holds the accounts service's rules as pure functions over
// three aggregates: teams (with their memberships), users and API tokens.
// It does no I/O.
//
// # Aggregates and subjects
//
//	ev.<slug>.team.<slug>   a team: its display name and its members' roles.
//	                        Memberships live in the team aggregate, so every
//	                        rule about roles (the last owner) is checked
//	                        against one consistent version.
//	ev._.user.<id>          a user (team-less: team token "_").
//	ev._.token.<id>         an API token of a user (team-less).
//
// # Guarantees
//
//   - A team always has at least one owner: the last owner can neither leave
//     nor be demoted nor removed (CONFLICT, matching ErrLastOwner).
//   - Only admins and owners add or remove members; only owners make owners,
//     demote owners or remove owners.
//   - An API token's secret is never stored: events carry its SHA-256 hash,
//     and checking a presented secret compares hashes in constant time.
//
// Every error a Decide function returns is a *fault.Error users can act on
// that also matches one of the Err sentinels with errors.Is.
package domain
