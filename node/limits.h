// Every bound a validator enforces, with its default. Each is configurable in
// node.toml under [limits] and enforced with RESOURCE_EXHAUSTED or a clear
// refusal when exceeded.
#pragma once

#include <cstdint>

namespace remit {

struct NodeLimits {
  // Client requests (transfers of Settle, Submit, SettleBatch) waiting for
  // the event loop; RESOURCE_EXHAUSTED beyond. Copies of one transfer in
  // one SettleBatch count once.
  uint32_t inbox_events_max = 100'000;
  // Validators' envelopes waiting for the event loop, bounded apart from
  // client requests so that a client flood cannot crowd out votes; one
  // beyond is dropped (as a lossy network would), counted and warned of.
  uint32_t inbox_envelopes_max = 10'000;
  // Transfers admitted but not yet final.
  uint32_t mempool_transfers_max = 200'000;
  // One sender's share of the mempool.
  uint32_t mempool_sender_transfers_max = 10'000;
  // How far beyond the sender's next sequence a transfer may be admitted.
  uint32_t sequence_window = 10'000;
  // Transfers in one block.
  uint32_t block_transfers_max = 5'000;
  // Transfers in one SettleBatch call; INVALID_ARGUMENT beyond.
  uint32_t settle_batch_transfers_max = 5'000;
  // Concurrent Watch streams.
  uint32_t watchers_max = 1'000;
  // Events buffered for one slow Watch stream before it is closed.
  uint32_t watch_queue_events_max = 100'000;
  // Largest gRPC request accepted, in bytes.
  uint32_t request_bytes_max = 4u << 20;
  // How long Settle waits when the client set no deadline.
  uint32_t settle_wait_ms_max = 60'000;
  // Threads that check signatures of requests and validator envelopes;
  // 0 means one per core.
  uint32_t verify_threads = 0;
  // Requests waiting for one of those threads; RESOURCE_EXHAUSTED beyond.
  uint32_t verify_queue_jobs_max = 1'024;
  // Replay bound of validator envelopes: one sent (by its sender's clock)
  // further than this from our clock, either way, is refused with
  // UNAUTHENTICATED (node/consensus/envelope_auth.h). Covers clock skew
  // between validators plus the time an envelope waits for a reconnecting
  // peer (PeerTransportOptions::deliver_timeout_ms).
  uint32_t envelope_skew_ms_max = 30'000;
  // Transfer calls (Settle, Submit, SettleBatch) held open at once, node-wide,
  // from arrival until answered (a Settle waits for its commit). Beyond, a
  // new one is answered RESOURCE_EXHAUSTED at once; reads and Watch streams
  // (watchers_max) do not count.
  uint32_t calls_max = 10'000;
  // Concurrent calls on one client connection (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS, GRPC_ARG_MAX_CONCURRENT_STREAMS). Beyond,
  // the client's gRPC keeps further calls waiting on its side until one ends
  // (or their deadline passes); nothing is refused. gRPC 1.51 (Debian 12)
  // has no bound on the number of connections itself
  // (GRPC_ARG_MAX_ALLOWED_INCOMING_CONNECTIONS came later): calls_max,
  // watchers_max and request_bytes_max bound what connections can cost.
  uint32_t connection_streams_max = 1'000;
};

}  // namespace remit
