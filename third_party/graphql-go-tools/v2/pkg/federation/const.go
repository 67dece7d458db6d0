package federation

var (
	InaccessibleDirectiveNameBytes = []byte("inaccessible")
)
