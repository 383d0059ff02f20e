// An allocator for large arrays: allocations of 2 MiB or more are mmap'ed and advised to use huge
// pages (MADV_HUGEPAGE). On this kind of machine the first touch of a fresh 4 KiB page costs about
// 13 µs (≈ 3 s per GiB); huge pages cut that by more than ten times. Smaller allocations use new.
//
// A mapping refused is handled as operator new handles a failure: the new-handler is called (the command
// line ends there, common/memory_limit.h), and without one std::bad_alloc is thrown. Each block starts
// with a header that records how it was obtained, so deallocate does not trust the size it is given: an
// absl table whose growth threw frees its old block with the new size (common/hash_tables.h).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace aips {

template <typename T>
class HugeAllocator {
 public:
  using value_type = T;
  HugeAllocator() noexcept = default;
  template <typename U>
  HugeAllocator(const HugeAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T) + kHeader;
    void* p = nullptr;
    if (bytes < kThreshold) {
      p = ::operator new(bytes);
    } else {
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      while (p == MAP_FAILED) {
        std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) throw std::bad_alloc();
        handler();
        p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      }
      madvise(p, bytes, MADV_HUGEPAGE);
    }
    *static_cast<size_t*>(p) = bytes;
    return reinterpret_cast<T*>(static_cast<char*>(p) + kHeader);
  }
  void deallocate(T* p, size_t /*n: see above*/) noexcept {
    void* block = reinterpret_cast<char*>(p) - kHeader;
    const size_t bytes = *static_cast<size_t*>(block);
    if (bytes < kThreshold) {
      ::operator delete(block);
    } else {
      munmap(block, bytes);
    }
  }
  template <typename U>
  bool operator==(const HugeAllocator<U>&) const noexcept {
    return true;
  }

 private:
  static constexpr size_t kThreshold = size_t{2} << 20;
  static constexpr size_t kHeader = 64;  // holds the block's size; a multiple of new's alignment
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
};

}  // namespace aips
