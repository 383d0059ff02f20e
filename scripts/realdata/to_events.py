#!/usr/bin/env python3
"""Maps the public behaviour samples in ../shared/realdata to aips's event format (docs/input.md).

Usage: to_events.py DATASET INPUT_CSV OUT_DIR
  taobao   Tianchi UserBehavior (user_id,item_id,category_id,behavior_type,timestamp; header optional)
           brand = "cat<category_id>", spu = item_id; pv -> click, fav -> collect, cart -> add_to_cart,
           buy -> purchase (amount 0: the data has no prices)
  rees46   REES46 multi-category store (event_time,event_type,product_id,category_id,category_code,brand,
           price,user_id,user_session); view -> click, cart -> add_to_cart, purchase -> purchase (amount =
           price); rows without a brand are kept as they are, so aips rejects them with a reason; brands.csv
           maps each brand to the top level of its most frequent category_code
  tmall    Tianchi Tmall user_log (user_id,item_id,cat_id,merchant_id,brand_id,month,day,action,...); year
           2016, noon local time; action 0 click, 1 add_to_cart, 2 purchase (amount 0), 3 collect
Writes OUT_DIR/events.csv (and OUT_DIR/brands.csv when the data has categories for brands).
"""
import collections, csv, datetime, os, sys


def taobao(src, out):
    acts = {"pv": "click", "fav": "collect", "cart": "add_to_cart", "buy": "purchase"}
    with open(src, newline="") as f, open(os.path.join(out, "events.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["ts", "user_id", "brand", "spu", "action", "amount"])
        for row in csv.reader(f):
            if row[0] == "user_id":
                continue
            user, item, cat, beh, ts = row[:5]
            a = acts.get(beh, beh)
            w.writerow([ts, user, "cat" + cat, item, a, "0" if a == "purchase" else ""])


def rees46(src, out):
    acts = {"view": "click", "cart": "add_to_cart", "purchase": "purchase", "remove_from_cart": "remove_from_cart"}
    cats = collections.defaultdict(collections.Counter)
    with open(src, newline="") as f, open(os.path.join(out, "events.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["ts", "user_id", "brand", "spu", "action", "amount"])
        for row in csv.DictReader(f):
            if row.get("event_time") is None or row.get("user_id") is None:
                continue  # the cut-off last row of the raw file
            ts = row["event_time"].replace(" UTC", "Z").replace(" ", "T")
            a = acts.get(row["event_type"], row["event_type"])
            w.writerow([ts, row["user_id"], row["brand"], row["product_id"], a, row["price"] if a == "purchase" else ""])
            if row["brand"] and row["category_code"]:
                cats[row["brand"]][row["category_code"].split(".")[0]] += 1
    with open(os.path.join(out, "brands.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["brand", "category"])
        for b, c in sorted(cats.items()):
            w.writerow([b, c.most_common(1)[0][0]])


def tmall(src, out):
    acts = {"0": "click", "1": "add_to_cart", "2": "purchase", "3": "collect"}
    with open(src, newline="", encoding="utf-8") as f, open(os.path.join(out, "events.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["ts", "user_id", "brand", "spu", "action", "amount"])
        for row in csv.DictReader(f):
            a = acts[row["action"]]
            ts = f"2016-{int(row['month']):02d}-{int(row['day']):02d}T12:00:00+08:00"
            w.writerow([ts, row["user_id"], "b" + row["brand_id"], row["item_id"], a, "0" if a == "purchase" else ""])


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("taobao", "rees46", "tmall"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[3], exist_ok=True)
    globals()[sys.argv[1]](sys.argv[2], sys.argv[3])
