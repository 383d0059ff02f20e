// Work shared between threads whose exceptions reach the caller. A std::thread whose function throws ends
// the process (std::terminate), and so does destroying one that was not joined while an exception unwinds;
// under a memory limit a std::bad_alloc can be thrown on any thread, and it must end the command (the CLI)
// or the request (the server) like one thrown on the caller's thread (docs/reliability.md, "Memory limits").
#pragma once

#include <functional>

namespace aips {

// Runs fn(0), ..., fn(n - 1) and returns when every one has returned: fn(0) on the calling thread, the
// others on threads of their own. When the system refuses a thread (no address space left for its stack),
// the shares it would have run run on the calling thread after fn(0), in order; so fn must not wait for
// another share. Afterwards the first exception any share threw, if any, is rethrown on the calling
// thread (the others are dropped).
void RunInParallel(int n, const std::function<void(int)>& fn);

}  // namespace aips
