package events

// Header names carried by every event message.
const (
	HeaderEventType = "Weft-Event-Type"
	HeaderMsgID     = "Nats-Msg-Id"
	headerExpected  = "Nats-Expected-Last-Subject-Sequence"
	// headerExpectedSubj names the subject headerExpected checks when it is
	// not the message's own (Write.Guard).
	headerExpectedSubj = "Nats-Expected-Last-Subject-Sequence-Subject"
	headerBatchID      = "Nats-Batch-Id"
	headerBatchSeq     = "Nats-Batch-Sequence"
	headerCommit       = "Nats-Batch-Commit"
)
