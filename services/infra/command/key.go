package command

import (
	"context"
	"encoding/base64"
	"encoding/hex"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/uniq"
)

// KeyKind is the uniq kind of WireGuard public keys: within a team, one key
// belongs to one device or gateway, claimed atomically with the event that
// gives it (creating a device, rotating its key, a gateway's report), so
// two concurrent registrations of one key cannot both succeed. Peers are
// told apart by their keys: a second peer with another's key would take
// over its traffic.
const KeyKind = "wgkey"

// keyName is the key as a uniq name: hex, so it holds no '/' or '+'.
func keyName(pub string) string {
	b, _ := base64.StdEncoding.DecodeString(pub)
	return hex.EncodeToString(b)
}

func keyTaken() error {
	return fault.Invalidf("publicKey", "this WireGuard public key is registered to another device or gateway of the team; each needs a key pair of its own (`weft device config` makes one, `wg genkey | wg pubkey` too)")
}

// keyWrites claims newKey for owner (unless it holds it already) and frees
// oldKey when owner held it; either may be empty. A key another device or
// gateway holds is refused as BAD_USER_INPUT on publicKey.
func keyWrites(ctx context.Context, s *events.Store, team, actor, owner, oldKey, newKey string) ([]events.Write, error) {
	var out []events.Write
	if newKey != "" {
		cur, _, err := uniq.Owner(ctx, s, team, KeyKind, keyName(newKey))
		if err != nil {
			return nil, err
		}
		if cur != owner {
			if cur != "" {
				return nil, keyTaken()
			}
			claim, err := uniq.Claim(ctx, s, team, actor, KeyKind, keyName(newKey), owner)
			if err != nil {
				if fault.CodeOf(err) == fault.Conflict {
					return nil, keyTaken()
				}
				return nil, err
			}
			out = append(out, claim)
		}
	}
	if oldKey != "" && oldKey != newKey {
		release, ok, err := uniq.Release(ctx, s, team, actor, KeyKind, keyName(oldKey), owner)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, release)
		}
	}
	return out, nil
}
