#!/usr/bin/env python3
"""Writes a Metabase-style CSV export (display titles in the header, NULL as an empty field, RFC 4180 quoting)
of ROWS rows x 12 mixed columns, and the card's result_metadata beside it."""
import csv, json, sys, random, datetime

rows = int(sys.argv[1])
out = sys.argv[2]
columns = [
    ("order_id", "Order ID", "type/BigInteger"),
    ("vendor_id", "Vendor ID", "type/Integer"),
    ("vendor_name", "Vendor Name", "type/Text"),
    ("city", "City", "type/Text"),
    ("amount", "Amount", "type/Decimal"),
    ("discount", "Discount", "type/Float"),
    ("status", "Status", "type/Text"),
    ("delivered", "Delivered", "type/Boolean"),
    ("ordered_at", "Ordered At", "type/DateTimeWithLocalTZ"),
    ("order_day", "Order Day", "type/Date"),
    ("note", "Note", "type/Text"),
    ("items", "Items", "type/Integer"),
]
names = ["پیتزا ایتالیا", "کباب سرای نایب", "Sushi, Tokyo", "کافه \"لمیز\"", "Burger Lab", "نان سحر"]
cities = ["تهران", "اصفهان", "شیراز", "مشهد", "Tabriz"]
statuses = ["delivered", "cancelled", "on-the-way", ""]
random.seed(42)
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=3, minutes=30)))
with open(out + ".csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow([c[1] for c in columns])
    for i in range(rows):
        at = start + datetime.timedelta(seconds=i * 37)
        w.writerow([
            10_000_000 + i, i % 5000 + 1, names[i % len(names)] + " " + str(i % 5000), cities[i % len(cities)],
            "%d.%02d" % (random.randint(50_000, 9_000_000), i % 100), "%.4f" % (random.random() / 3),
            statuses[i % len(statuses)], "true" if i % 7 else "false", at.isoformat(), at.date().isoformat(),
            "" if i % 3 else "ring twice,\nleave at door" if i % 2 else "no onions", i % 9 + 1,
        ])
with open(out + ".json", "w", encoding="utf-8") as f:
    json.dump({"id": 1, "name": "Orders", "result_metadata": [
        {"name": n, "display_name": t, "base_type": b} for n, t, b in columns]}, f)
