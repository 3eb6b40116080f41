// Invariant assertions that stay on in every build, and the Status macros
// Debian's abseil lacks.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Aborts with file, line and the failed condition. For programmer errors and
// broken invariants only; expected failures return an absl::Status.
#define REMIT_CHECK(condition)                                                               \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

#define REMIT_STATUS_CONCAT_INNER(a, b) a##b
#define REMIT_STATUS_CONCAT(a, b) REMIT_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                                       \
  do {                                                              \
    if (absl::Status remit_status_ = (expr); !remit_status_.ok()) { \
      return remit_status_;                                         \
    }                                                               \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, Compute());` declares x from a StatusOr's value,
// or returns its status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(REMIT_STATUS_CONCAT(remit_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr)         \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
