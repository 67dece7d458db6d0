package plan

type SubgraphRequestMinifier interface {
	EnableSubgraphRequestMinifier()
}
