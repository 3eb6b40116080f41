// Every bound a validator enforces, with its default. Each is configurable in
// node.toml under [limits] and enforced with RESOURCE_EXHAUSTED or a clear
// refusal when exceeded.
#pragma once

#include <cstdint>

namespace remit {

struct NodeLimits {
  // Requests waiting for the event loop; RESOURCE_EXHAUSTED beyond.
  uint32_t inbox_events_max = 100'000;
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
};

}  // namespace remit
