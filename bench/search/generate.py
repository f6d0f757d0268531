#!/usr/bin/env python3
"""Writes a catalogue of N datasets into a migrated (empty) Agora SQLite database, made from the
vocabulary of Ontario's published catalogue: its titles' words, keywords, ministries, licences,
update frequencies and the real mix of access levels.

    generate.py --db DATA_DIR/agora.db --csv ontario.csv --count 1000000

Rows go straight into the tables Agora's store writes (datasets, keywords, resources), in large
transactions, so that generating a million datasets takes about a minute; `agora reindex` then
builds the search index from them as it would from any catalogue.
"""

import argparse
import csv
import itertools
import random
import re
import sqlite3
import time
import unicodedata
import uuid
from collections import Counter

# The licence titles of the Ontario export, as Agora's licence ids.
LICENCES = {
    "Open Government Licence – Ontario": "OGL-ON-1.0",
    "License Not Specified": "notspecified",
    "Ministry Terms of Use": "ministry-terms-of-use",
    "Ontario Open Data Terms of Use": "ontario-open-data-terms",
    "Queen's Printer for Ontario": "queens-printer-ontario",
    "Ontario.ca Terms of Use": "ontario-terms-of-use",
    "Public Sector Salary Disclosure Act": "pssda",
    "Open Government Licence – Canada": "OGL-CA-2.0",
    "Other (Open)": "other-open",
    "Other (Not Open)": "other-closed",
}
FORMATS = ["CSV", "XLSX", "PDF", "JSON", "ZIP", "SHP", "HTML", "XML", "TXT", "GEOJSON"]
FORMAT_CUM = list(itertools.accumulate([30, 18, 14, 8, 8, 6, 6, 4, 4, 2]))
STOP = set("the and for with from into per are was were this that their its all any not but".split())


def slugify(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def vocabulary(path):
    titles, words, keywords, orgs = [], Counter(), Counter(), Counter()
    licences, frequencies, levels = Counter(), Counter(), Counter()
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            title = row["title"].strip()
            if not title:
                continue
            titles.append(title)
            for w in re.findall(r"[A-Za-zÀ-ÿ]{3,}", title.lower()):
                if w not in STOP:
                    words[w] += 1
            for k in row["keywords"].split(","):
                if k.strip():
                    keywords[k.strip()] += 1
            orgs[row["organization"].strip()] += 1
            licences[LICENCES.get(row["license"].strip(), "notspecified")] += 1
            frequencies[row["update_frequency"].strip() or "other"] += 1
            levels[row["access_level"].strip()] += 1
    return titles, words, keywords, orgs, licences, frequencies, levels


def weighted(counter):
    """The values and their cumulative weights, for `random.choices(values, cum_weights=…)`."""
    items = list(counter.items())
    return [k for k, _ in items], list(itertools.accumulate(v for _, v in items))


def timestamp(rng):
    t = rng.randint(1_330_000_000, 1_790_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="the migrated SQLite database (DATA_DIR/agora.db)")
    ap.add_argument("--csv", required=True, help="Ontario's catalogue CSV")
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    titles, words, keywords, orgs, licences, frequencies, levels = vocabulary(args.csv)
    word_list, word_weights = weighted(words)
    keyword_list, keyword_weights = weighted(keywords)
    org_names, org_weights = weighted(orgs)
    licence_ids, licence_weights = weighted(licences)
    freq_list, freq_weights = weighted(frequencies)
    level_list, level_weights = weighted(levels)

    db = sqlite3.connect(args.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    (existing,) = db.execute("SELECT COUNT(*) FROM datasets").fetchone()
    if existing:
        raise SystemExit(f"{args.db} already holds {existing} datasets: start from an empty data folder")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    org_ids = {}
    for name in org_names:
        oid = uuid.uuid4().bytes
        org_ids[name] = oid
        title = name if name.startswith(("Cabinet", "Treasury")) else f"Ministry of {name}"
        db.execute(
            "INSERT INTO organizations (id, slug, title_en, title_fr, description_en, description_fr, jurisdiction, category, created_at, updated_at) "
            "VALUES (?, ?, ?, '', '', '', 'provincial', 'ministry', ?, ?)",
            (oid, slugify(title), title, now, now),
        )
    db.commit()

    started = time.time()
    batch = 50_000
    done = 0
    while done < args.count:
        n = min(batch, args.count - done)
        datasets, kw_rows, res_rows = [], [], []
        for i in range(done, done + n):
            base = rng.choice(titles)
            extra = rng.choices(word_list, cum_weights=word_weights, k=rng.randint(1, 3))
            title = f"{base} {' '.join(extra)}"
            name = f"{slugify(title)[:80].strip('-')}-{i}"
            did = uuid.uuid4().bytes
            org = org_ids[rng.choices(org_names, cum_weights=org_weights)[0]]
            level = rng.choices(level_list, cum_weights=level_weights)[0]
            notes = " ".join(rng.choices(word_list, cum_weights=word_weights, k=rng.randint(12, 40))).capitalize() + "."
            created = timestamp(rng)
            rationale = "Published inventory: restricted." if level == "restricted" else ""
            datasets.append((
                did, name, title, notes, org, rng.choices(licence_ids, cum_weights=licence_weights)[0],
                rng.choices(freq_list, cum_weights=freq_weights)[0], level, rationale, created, created,
            ))
            for k in set(rng.choices(keyword_list, cum_weights=keyword_weights, k=rng.randint(1, 4))):
                kw_rows.append((did, k))
            for pos, fmt in enumerate(rng.choices(FORMATS, cum_weights=FORMAT_CUM, k=rng.choice([0, 1, 1, 2, 3]))):
                res_rows.append((uuid.uuid4().bytes, did, pos, f"https://data.example.org/{name}/{pos}.{fmt.lower()}", fmt, created))
        db.executemany(
            "INSERT INTO datasets (id, name, title_en, notes_en, organization_id, license_id, update_frequency, access_level, "
            "exemption_rationale_en, metadata_created, metadata_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            datasets,
        )
        db.executemany("INSERT INTO dataset_keywords (dataset_id, lang, keyword) VALUES (?, 'en', ?)", kw_rows)
        db.executemany(
            "INSERT INTO resources (id, dataset_id, position, url, format, created, metadata_modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r[0], r[1], r[2], r[3], r[4], r[5], r[5]) for r in res_rows],
        )
        db.commit()
        done += n
        print(f"\r{done:,} datasets", end="", flush=True)
    print(f"\rgenerated {done:,} datasets in {time.time() - started:.1f} s")
    # Agora's readers check the change log; the reindex that follows covers these rows.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
