// Process-wide malloc settings for aips's workloads. Computing snapshots allocates and frees many
// multi-megabyte vectors (one set per subject); by default glibc serves those with fresh mmaps and hands
// them back on free, so every subject pays first-touch page faults again (≈ 13 µs per 4 KiB page here).
// Keeping freed memory in the heap for reuse cut the 90-day snapshot job of the 20 M world by ≈ 20 %
// (docs/performance.md). Call once at start-up, before any large allocation.
//
// Under an address-space limit (or without overcommit; common/memory_limit.h) address space is what runs
// out, so none of that: growing the heap in 64 MiB steps would refuse every allocation of a process
// limited to less, and freed memory kept in the heap is address space other allocations cannot have.
// Instead every thread allocates from the one main arena: glibc reserves 64 MiB of address space for each
// further arena (up to 8 per core), so a server's threads took up to half of a 512 MiB limit before any
// work, and whether a reservation fitted made the room left depend on the order threads started in.
#pragma once

#include <malloc.h>

#include "common/memory_limit.h"

namespace aips {

inline void TuneAllocator() {
  if (AddressSpaceIsScarce()) {
    mallopt(M_ARENA_MAX, 1);
    return;
  }
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum: vectors below 32 MiB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // keep up to 1 GiB of freed heap for the next subject
  mallopt(M_TOP_PAD, 64 << 20);         // grow the heap in 64 MiB steps
}

}  // namespace aips
