// Printing category and competitor measures (docs/cli.md): JSON for programs, tables for people.
#pragma once

#include <string>

#include "engine/results.h"

namespace aips {

std::string ToJson(const CompareResult& r);
std::string ToTable(const CompareResult& r);
std::string ToJson(const OverlapResult& r);
std::string ToTable(const OverlapResult& r);
std::string ToJson(const DefeatedResult& r);
std::string ToTable(const DefeatedResult& r);
std::string ToJson(const SearchBackResult& r);
std::string ToTable(const SearchBackResult& r);
std::string ToJson(const AuroraResult& r);
std::string ToTable(const AuroraResult& r);
std::string ToJson(const PortraitResult& r);
std::string ToTable(const PortraitResult& r);
std::string ToJson(const FirstPartyResult& r);
std::string ToTable(const FirstPartyResult& r);

}  // namespace aips
