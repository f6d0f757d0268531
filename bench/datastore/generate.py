"""Writes a CSV of N rows × 10 mixed columns (whole numbers, decimals, booleans, dates, timestamps,
codes with leading zeros, names, categories), the same file for every tool in the benchmark."""

import csv
import random
import sys
from datetime import date, datetime, timedelta

rows = int(sys.argv[1])
out = sys.argv[2]
rng = random.Random(20261126)
species = ["Brook Trout", "Splake", "Lake Trout", "Walleye", "Rainbow Trout", "Chinook Salmon", "Brown Trout", "Lake Whitefish"]
stages = ["Fry", "Fingerlings", "Yearlings", "Adults"]
start = date(2012, 1, 1)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "year", "fish", "latitude", "longitude", "stocked_on", "recorded_at", "code", "species", "stage_ok"])
    for i in range(1, rows + 1):
        day = start + timedelta(days=rng.randrange(3650))
        w.writerow([
            i,
            day.year,
            rng.randrange(1, 100000),
            f"{rng.uniform(41.7, 56.9):.6f}",
            f"{rng.uniform(-95.2, -74.3):.6f}",
            day.isoformat(),
            datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), rng.randrange(60)).isoformat(),
            f"{rng.randrange(10000):04d}{rng.choice('ABCD')}",
            rng.choice(species),
            rng.choice(stages) if rng.random() > 0.1 else "",
        ])
