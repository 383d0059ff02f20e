#include "ingest/tables.h"

#include <algorithm>

namespace aips {

std::string_view TableKindName(TableKind k) {
  switch (k) {
    case TableKind::kEvents:
      return "events";
    case TableKind::kCategories:
      return "categories";
    case TableKind::kBrands:
      return "brands";
    case TableKind::kCampaigns:
      return "campaigns";
    case TableKind::kSpend:
      return "spend";
    case TableKind::kOrders:
      return "orders";
    case TableKind::kIdentity:
      return "identity";
    case TableKind::kAttributes:
      return "attributes";
    case TableKind::kNotes:
      return "notes";
    case TableKind::kMessages:
      return "messages";
    case TableKind::kAccounts:
      return "accounts";
    case TableKind::kExperiments:
      return "experiments";
  }
  return "?";
}

std::optional<TableKind> ParseTableKind(std::string_view name) {
  for (TableKind k :
       {TableKind::kEvents, TableKind::kCategories, TableKind::kBrands, TableKind::kCampaigns,
        TableKind::kSpend, TableKind::kOrders, TableKind::kIdentity, TableKind::kAttributes,
        TableKind::kNotes, TableKind::kMessages, TableKind::kAccounts, TableKind::kExperiments}) {
    if (TableKindName(k) == name) return k;
  }
  return std::nullopt;
}

const TableSchema& SchemaOf(TableKind k) {
  static const TableSchema kEventsSchema{
      TableKind::kEvents,
      {"event_id", "ts", "user_id", "brand", "spu", "action", "campaign", "note", "amount", "channel",
       "sentiment"},
      {false, true, true, true, false, true, false, false, false, false, false}};
  static const TableSchema kCategoriesSchema{
      TableKind::kCategories, {"category", "decision_cycle_days"}, {true, true}};
  static const TableSchema kBrandsSchema{TableKind::kBrands, {"brand", "category"}, {true, true}};
  static const TableSchema kCampaignsSchema{
      TableKind::kCampaigns, {"campaign", "brand", "spu", "start", "end"}, {true, true, false, true, true}};
  static const TableSchema kSpendSchema{TableKind::kSpend, {"campaign", "date", "spend"}, {true, true, true}};
  static const TableSchema kOrdersSchema{TableKind::kOrders,
                                         {"order_id", "id_type", "id_hash", "ts", "brand", "spu", "amount"},
                                         {true, true, true, true, true, false, true}};
  static const TableSchema kAttributesSchema{TableKind::kAttributes, {"user_id", "tags"}, {true, false}};
  static const TableSchema kIdentitySchema{
      TableKind::kIdentity, {"id_type", "id_hash", "user_id"}, {true, true, true}};
  static const TableSchema kNotesSchema{
      TableKind::kNotes,
      {"note", "author", "ts", "brand", "spu", "topics", "sentiment", "kind"},
      {true, false, true, true, false, false, false, false}};
  static const TableSchema kMessagesSchema{TableKind::kMessages,
                                           {"conversation", "account", "user", "ts", "direction", "lead"},
                                           {true, true, true, true, true, false}};
  static const TableSchema kAccountsSchema{
      TableKind::kAccounts, {"account", "group", "campaign", "brand"}, {true, true, false, false}};
  static const TableSchema kExperimentsSchema{
      TableKind::kExperiments, {"campaign", "user_id", "group"}, {true, true, true}};
  switch (k) {
    case TableKind::kExperiments:
      return kExperimentsSchema;
    case TableKind::kNotes:
      return kNotesSchema;
    case TableKind::kMessages:
      return kMessagesSchema;
    case TableKind::kAccounts:
      return kAccountsSchema;
    case TableKind::kEvents:
      return kEventsSchema;
    case TableKind::kCategories:
      return kCategoriesSchema;
    case TableKind::kBrands:
      return kBrandsSchema;
    case TableKind::kCampaigns:
      return kCampaignsSchema;
    case TableKind::kSpend:
      return kSpendSchema;
    case TableKind::kOrders:
      return kOrdersSchema;
    case TableKind::kIdentity:
      return kIdentitySchema;
    case TableKind::kAttributes:
      return kAttributesSchema;
  }
  return kEventsSchema;
}

std::string TablesHelp() {
  std::string out;
  for (TableKind k :
       {TableKind::kEvents, TableKind::kCategories, TableKind::kBrands, TableKind::kCampaigns,
        TableKind::kSpend, TableKind::kOrders, TableKind::kIdentity, TableKind::kAttributes,
        TableKind::kNotes, TableKind::kMessages, TableKind::kAccounts, TableKind::kExperiments}) {
    const TableSchema& s = SchemaOf(k);
    std::string cols;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (i) cols += ", ";
      cols += std::string(s.columns[i]) + (s.required[i] ? "*" : "");
    }
    const std::string name(TableKindName(k));
    out += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + cols + "\n";
  }
  return out;
}

std::optional<TableKind> DetectKind(const std::vector<std::string>& header) {
  auto has = [&](std::string_view c) { return std::find(header.begin(), header.end(), c) != header.end(); };
  if (has("conversation") && has("direction")) return TableKind::kMessages;
  if (has("note") && has("topics") && !has("action")) return TableKind::kNotes;
  if (has("campaign") && has("user_id") && has("group") && !has("action")) return TableKind::kExperiments;
  if (has("account") && has("group") && !has("conversation")) return TableKind::kAccounts;
  if (has("order_id") && has("id_hash")) return TableKind::kOrders;
  if (has("id_hash") && has("user_id")) return TableKind::kIdentity;
  if (has("user_id") && has("tags") && !has("action")) return TableKind::kAttributes;
  if (has("user_id") && has("action")) return TableKind::kEvents;
  if (has("decision_cycle_days")) return TableKind::kCategories;
  if (has("campaign") && has("date") && has("spend")) return TableKind::kSpend;
  if (has("campaign") && has("start") && has("end")) return TableKind::kCampaigns;
  if (has("brand") && has("category") && !has("user_id")) return TableKind::kBrands;
  return std::nullopt;
}

}  // namespace aips
