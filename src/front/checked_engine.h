// The layer in front of every engine (issue #15, "nothing made up"): a QueryEngine that checks each
// question's explicit dates against the data before the engine sees it, so that the CLI, the HTTP API
// and the dashboard refuse the same dates with the same words. An explicit date before the first or
// after the last local day with an event is InvalidArgument (exit code 2, HTTP 400), naming the range;
// a date inside the range is answered (a brand without data on it answers zeros, and says so where it
// is shown). Defaults are the engines' (they clamp to the range). Dates inside crowd expressions are
// the expression's own and are not checked here, and neither are the periods of topics and
// consultations (notes and messages have days of their own).
#pragma once

#include <memory>

#include "engine/engine.h"

namespace aips {

// Wraps `inner`; every call is forwarded after its dates pass.
std::unique_ptr<QueryEngine> CheckDates(std::unique_ptr<QueryEngine> inner);

}  // namespace aips
