// ZeroedArray<T> — a fixed-size array of zero-initialised trivial values whose memory is only
// touched where it is used. Large simulated memories (host DRAM, every tile's shared memory
// and its attribute buffer) are mostly never written by a run; a std::vector would write
// every byte at construction (and page in all of it). calloc'd storage comes from the kernel
// already zeroed, page by page as it is first touched.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

namespace pumavp {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "ZeroedArray holds trivial values whose all-zero bytes are the initial value");

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(size_t n) : n_(n) {
    if (n) {
      p_.reset(static_cast<T*>(std::calloc(n, sizeof(T))));
      if (!p_) throw std::bad_alloc();
    }
  }
  size_t size() const { return n_; }
  T* data() { return p_.get(); }
  const T* data() const { return p_.get(); }
  T& operator[](size_t i) { return p_.get()[i]; }
  const T& operator[](size_t i) const { return p_.get()[i]; }
  T* begin() { return p_.get(); }
  T* end() { return p_.get() + n_; }
  const T* begin() const { return p_.get(); }
  const T* end() const { return p_.get() + n_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> p_;
  size_t n_ = 0;
};

}  // namespace pumavp
