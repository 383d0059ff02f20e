#include "store/content.h"

#include "common/bytes.h"
#include "common/compress.h"
#include "common/file_util.h"
#include "fmt/format.h"

namespace aips {

namespace {
constexpr std::string_view kNotesMagic = "AIPSNOT1";
constexpr std::string_view kConsultMagic = "AIPSCON1";

template <typename T>
Result<T> LoadFramed(const std::string& path, uint64_t generation) {
  if (generation == 0) return T{};
  AIPS_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  return T::Decode(file, path);
}
}  // namespace

std::string NotesTable::Encode() const {
  ByteWriter w;
  w.Varint(notes.size());
  for (auto& [id, n] : notes) {
    w.Str(id), w.Str(n.author), w.Str(n.brand), w.Str(n.spu), w.I64(n.ts);
    w.Varint(n.topics.size());
    for (auto& t : n.topics) w.Str(t);
    w.U8(n.sentiment), w.U8(n.kind);
  }
  return FrameCompressed(kNotesMagic, w.buffer());
}

Result<NotesTable> NotesTable::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kNotesMagic, name, &raw));
  ByteReader r(payload, name);
  NotesTable t;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string id;
    NoteRow row;
    uint64_t k;
    AIPS_RETURN_IF_ERROR(r.Str(&id));
    AIPS_RETURN_IF_ERROR(r.Str(&row.author));
    AIPS_RETURN_IF_ERROR(r.Str(&row.brand));
    AIPS_RETURN_IF_ERROR(r.Str(&row.spu));
    AIPS_RETURN_IF_ERROR(r.I64(&row.ts));
    AIPS_RETURN_IF_ERROR(r.Varint(&k));
    if (k > r.remaining()) return r.Truncated();
    row.topics.resize(k);
    for (auto& tp : row.topics) AIPS_RETURN_IF_ERROR(r.Str(&tp));
    AIPS_RETURN_IF_ERROR(r.U8(&row.sentiment));
    AIPS_RETURN_IF_ERROR(r.U8(&row.kind));
    t.notes.emplace(std::move(id), std::move(row));
  }
  if (!r.done()) return Status::Corruption(name + ": trailing bytes");
  return t;
}

uint64_t MessageKey(const Message& m) {
  return Hash64(fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", m.conversation, m.account, m.user, m.ts,
                            m.out ? 1 : 0, m.lead ? 1 : 0));
}

bool ConsultData::Add(Message m) {
  if (!indexed_) {
    for (const Message& stored : messages) keys_.insert(MessageKey(stored));
    indexed_ = true;
  }
  if (!keys_.insert(MessageKey(m)).second) return false;
  messages.push_back(std::move(m));
  return true;
}

std::string ConsultData::Encode() const {
  ByteWriter w;
  w.Varint(accounts.size());
  for (auto& [id, a] : accounts)
    w.Str(id), w.U8(static_cast<uint8_t>(a.group)), w.Str(a.campaign), w.Str(a.brand);
  w.Varint(messages.size());
  for (auto& m : messages) {
    w.Str(m.conversation), w.Str(m.account), w.Str(m.user), w.I64(m.ts);
    w.U8(static_cast<uint8_t>((m.out ? 1 : 0) | (m.lead ? 2 : 0)));
  }
  return FrameCompressed(kConsultMagic, w.buffer());
}

Result<ConsultData> ConsultData::Decode(std::string_view file, const std::string& name) {
  std::string raw;
  AIPS_ASSIGN_OR_RETURN(std::string_view payload, UnframeCompressed(file, kConsultMagic, name, &raw));
  ByteReader r(payload, name);
  ConsultData c;
  uint64_t n;
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  for (uint64_t i = 0; i < n; ++i) {
    std::string id;
    Account a;
    uint8_t g = 0;
    AIPS_RETURN_IF_ERROR(r.Str(&id));
    AIPS_RETURN_IF_ERROR(r.U8(&g));
    if (g > 2) return Status::Corruption(name + ": unknown account group");
    a.group = static_cast<AccountGroup>(g);
    AIPS_RETURN_IF_ERROR(r.Str(&a.campaign));
    AIPS_RETURN_IF_ERROR(r.Str(&a.brand));
    c.accounts.emplace(std::move(id), std::move(a));
  }
  AIPS_RETURN_IF_ERROR(r.Varint(&n));
  if (n > r.remaining()) return r.Truncated();
  c.messages.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    Message m;
    uint8_t flags = 0;
    AIPS_RETURN_IF_ERROR(r.Str(&m.conversation));
    AIPS_RETURN_IF_ERROR(r.Str(&m.account));
    AIPS_RETURN_IF_ERROR(r.Str(&m.user));
    AIPS_RETURN_IF_ERROR(r.I64(&m.ts));
    AIPS_RETURN_IF_ERROR(r.U8(&flags));
    m.out = flags & 1;
    m.lead = flags & 2;
    c.messages.push_back(std::move(m));
  }
  if (!r.done()) return Status::Corruption(name + ": trailing bytes");
  return c;
}

std::string NotesPath(const std::string& dir, uint64_t generation) {
  return fmt::format("{}/notes-{}.bin", dir, generation);
}
std::string ConsultPath(const std::string& dir, uint64_t generation) {
  return fmt::format("{}/consult-{}.bin", dir, generation);
}

Result<NotesTable> LoadNotes(const std::string& dir, uint64_t generation) {
  return LoadFramed<NotesTable>(NotesPath(dir, generation), generation);
}
Status SaveNotes(const std::string& dir, uint64_t generation, const NotesTable& t) {
  return WriteFileAtomic(NotesPath(dir, generation), t.Encode());
}
Result<ConsultData> LoadConsult(const std::string& dir, uint64_t generation) {
  return LoadFramed<ConsultData>(ConsultPath(dir, generation), generation);
}
Status SaveConsult(const std::string& dir, uint64_t generation, const ConsultData& c) {
  return WriteFileAtomic(ConsultPath(dir, generation), c.Encode());
}

}  // namespace aips
