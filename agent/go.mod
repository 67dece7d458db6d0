module weft.dev/agent

go 1.26.0
