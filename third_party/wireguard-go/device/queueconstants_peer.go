/* SPDX-License-Identifier: MIT
 *
 * Copyright (C) 2017-2025 WireGuard LLC. All Rights Reserved.
 */

package device

// weft: each peer's own inbound and outbound queues (newAutodrainingInboundQueue,
// newAutodrainingOutboundQueue) are smaller than the device's shared ones.
// They hold the batches of one peer between decryption or encryption and its
// sequential receiver or sender; a channel of 1,024 slots is 9.25 KiB of heap
// each, 18.5 KiB a peer whether the peer ever sends, which is most of what a
// peer costs an agent with thousands of registered devices. A send to a full
// queue waits (it does not drop), so a smaller queue makes a busy peer wait
// sooner; 128 batches is still up to 128 x conn.IdealBatchSize packets.
const (
	QueuePeerOutboundSize = 128
	QueuePeerInboundSize  = 128
)
