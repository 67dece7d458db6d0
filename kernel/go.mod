module weft.dev/kernel

go 1.26.0
