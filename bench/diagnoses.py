"""What RESULTS.md says beside the figures: how each is measured, and why a bar is missed.

``DIAGNOSES`` holds, for each measurement that missed its bar in the full run, where the
time goes (from profiles: pyinstrument and cProfile, on the cached 1M-event ledger) and
the fix proposed. RESULTS.md quotes an entry only while its row misses the bar.
Keys: ``a.append``, ``b.throughput``, ``b.p99``, ``b.bulk``, ``c.rebuild.<projection>``, ``d.now``,
``d.at``, ``f.verify``.
"""

DIAGNOSES: dict[str, str] = {
    "a.append": """
*Why:* only one event per transaction misses, and only on PostgreSQL, within noise of the
bar (the tree alone costs 10–20% there, see the tree rows). Per command the ledger adds to
the library's insert the Merkle entry row (one more INSERT, two more indexes) and ~5 µs
of hashing, under the insert lock. *Fix:* none needed for the bar at 100 per transaction;
for single commands, group commit (below, (b)) amortises the extra row and the fsync.
""",
    "b.throughput": """
*Why:* on SQLite a command costs ~1.3–1.4 ms of CPU in the workers against ~0.5 ms for
the bare library's in-process get-decide-save, which has no HTTP, JSON, authentication,
idempotency receipt or read model. Since the previous run of (b), `POST /v1/data-uses` is
answered by a plain ASGI lane when the route would accept the request (the route's own
role check, model and verb; one hop to a thread instead of two, no dependency solving),
a use is recorded from the request's model without validating it again, and uvicorn's
access line (a fourteenth of a worker's CPU) is printed only with `--access-log`: the
workers' CPU per command went from ~1.86 to ~1.26 ms measured side by side (same copy of
the 1M ledger, 8 clients). Who may act is then read once for all the requests asking
while a read runs (domain/fresh_read.py), not once each under a lock: side by side, 20 s
each, twice, on a slower stretch of the machine: 595/643 → 732/787 commands/s, worker CPU
1.96/1.88 → 1.60/1.53 ms a command. What is left (py-spy, GIL held): the insert with its Merkle
entry and the group commit's hand-off ~35%, deciding and reading the grant, the resource
and the standing ~25%, uvicorn's HTTP ~15%. *Fix:* the grant and resource cached by
version across commands.
""",
    "b.p99": """
*Why:* the bar's rate is half the best throughput, and the best is reached with 32
clients, where group commit saves many commands a transaction; at half of it (430–570/s
on SQLite, 320–400/s on PostgreSQL in this stop's runs) fewer commands share a commit,
and the commits of both workers and the projector take turns on one write lock (SQLite's
file, PostgreSQL's lock on the events table) in processes whose event loops compete for
the interpreter. Since the previous run the projector makes a batch's rows before its
write transaction opens (its Python no longer holds the lock), writes each table in one
statement (on SQLite read from one JSON array, so the lock is not taken back row by row),
and in the processes a projector runs in the cyclic collector's youngest generation runs
every 50,000 objects instead of 700. Two runs of (b) after those changes, same cached
ledgers, minutes apart: p99 44.6 (34.8–54.4) ms on SQLite and 37.0 (36.8–37.2) ms on
PostgreSQL with two runs each (the bar met on both), then the 61.2 and 120 ms above with
three (one of PostgreSQL's three runs 44.7 ms); the previous stop's last run had 81.9 and
141 ms. The spread between runs is as large as the gap to the bar. *Fix:* the Python work
of a save (encoding, Merkle leaves) done before the write lock is taken, so that the lock
is held for the statements only.
""",
    "b.bulk": """
*Why:* on SQLite a bulk line writes two events (the use and its idempotency receipt, so
that a resent batch records nothing twice) where the bare library's save writes one,
and each line is parsed, validated (the edge's limits, then the request model) and marked
as a single use would be; the bare loop only builds a `Use` from fields it already has.
Since the previous run of (b) the ratio rose from 0.75× to 0.88×: a line is recorded
from its request model without being validated a second time as the domain's fields,
and encoding the answers and fingerprints takes each scalar where it finds it (it was a
sixth of a bulk load's time). In process, per 1,000 lines: 250 → 207 ms. *Fix:* the
receipt's id (a `uuid5` per line) and the edge's limits walk are what is left above
the save.
""",
    "c.rebuild.supervision": """
*Why:* supervision needs the data uses (V09), 95% of the log. A replay reads them as raw
rows, checks each one's topic and payload (orjson) on the row, and makes events only of
the ~3% that were marked; the deadline rules see only the events of their classes. Where
it falls short the cost is that per-row decode and the fold of the events kept. *Fix:*
keep V09 out of the fold: the forensic tables already index every use with its marks, so
the count at an instant is one indexed query.
""",
    "c.rebuild.deadlines": """
*Why:* on PostgreSQL `select_records` reads every row of the log with dict rows and a
JOIN on the entries table, then drops the ~95% of events the register ignores in Python;
`DeadlineRegister.apply` walks every rule's mappings per event (see supervision).
*Fix:* topics filtered in SQL (`AND topic = ANY(%s)`), tuple rows and binary results as
`scan_ledger` already does, and class-keyed dispatch in the register.
""",
    "c.rebuild.catalog": """
*Why:* on PostgreSQL the catalog fold is cheap; the read is what costs:
`select_records` fetches every row (dict rows, JOIN on the entries table) to keep the
~1% the catalog folds. *Fix:* filter topics in SQL and use tuple rows (as for deadlines).
""",
    "d.at": """
*Why (cProfile, reports at late instants on the 100k ledger):* the p50 is at the bar
(~200–240 ms); the p95 is the latest instants, where a report lists ~16k obligations at
100k events. Per report ~45% is `obligations_at` materialising every one of them (a due
date, a status and a `uuid5` id each; the periods and their deadlines' ends are computed
once per process), ~20% turning them into rows (the deadlines report), ~20% loading the
saved fold (a supervision fold is 5 MB of JSON at 100k events, 10–17 MB at 1M: every
obligation ever opened, every schedule's coverage, every V09 detection), parsed by
`TypeAdapter.validate_json`, and the rest folding up to 10,000 events from the fold to
the instant (now from raw rows: events are made only of the rows kept). *Fix:* (1) keep
obligations whose status can no longer change (discharged, or breached and past) in the
fold as final rows, so a report computes only the open ones; (2) keep the folds small
(V09 counted from the forensic tables) and the last folds decoded in memory (they never
change); (3) then save folds every 2,000 events instead of 10,000; (4) page the
deadlines report (the API's default page) instead of listing every obligation.
""",
    "d.now": """
*Why:* "at T as known now" used to decode every event recorded after the saved fold for
T only to skip those that occurred after T (10–24 s per report in the previous full
run). Once a replay meets the first such event it now asks the forensic tables' index on
`(occurred_at, position)` which later events of its topics occurred by T — as far as the
projector has reached; beyond that it folds event by event — and reads just those: the
late entries (~1% of the uses). It costs what `known_at=at` costs plus reading those
entries (the supervision report's are data uses: ~50–200 ms more at the p50). *Fix:* as
for `known_at=at`; and counting V09 from the forensic tables removes the late uses from
the supervision replay altogether.
""",
    "f.verify": """
*Why (pyinstrument):* of `verify_ledger`'s time ~11% is the leaf SHA-256 the baseline
measures; the rest is reading the rows (~30%, `scan_ledger`), the per-row Python loop and
`encode_canonical` (~37%), and `CompactRange.push`, which recomputes the interior nodes
(~1 more SHA-256 per leaf plus list work, ~18%). A bar of half a tight hashing loop
leaves ~1 µs per event for everything but the hash, which CPython cannot do row by row.
*Fix:* (1) verify in parallel processes over leaf ranges aligned to powers of two (each
range's perfect subtrees are independent; their roots combine in the parent) — ~2× on
two cores; (2) on PostgreSQL compute the leaf hashes in SQL (`sha256()` over the
length-prefixed columns, the same canonical bytes) and compare in the database, leaving
Python the tree; (3) fetch the columns as one `bytea` per row built in SQL. With (1) and
(2) verify approaches the bar on PostgreSQL; on SQLite (no built-in SHA-256) only (1).
""",
}

NOTES = """
- **Fixed since the previous full run**, each measured there: the calendar rescanned the
  whole log on every command that counts working days when no schedule had been
  published since the seeded years (~250 ms a command at 1M events; it now resumes from
  the last position it saw, and generating the 1M ledger went from 5,446 to 7,800
  events/s); a resource's history on PostgreSQL walked the whole primary key (258 ms
  p50 at 1M; now two index lookups and a UNION, 2 ms); a person's data-use trail had no
  index on the approver (added; the cached bench ledgers predate it).
- **Some measurements were taken again after later changes**, on the same cached ledgers
  the same afternoon, and merged into this file (`python -m bench --rewrite`): (e) on
  PostgreSQL after the resource-history query change (`python -m bench --only e
  --backend postgresql`); (b) on both backends after the projector began writing 100
  events per transaction (`--only b`); (c) and (d) on both backends after replays began
  folding raw rows (`--only c`, `--only d`). (a) and (f) are the full run's.
- **The forensic read model's catch-up** during generation (The generated ledger, below)
  was measured before the projector wrote in batches, at one transaction per event
  (~2,500 events/s on SQLite); it now writes 100 events per transaction, as the harness's
  own batched catch-up does (5–10× faster than one per event).
- **Saved folds are large.** A supervision fold is 5 MB of JSON at 100k events and
  10–17 MB at 1M, so its 100 saved folds take ~1 GB at 1M events, more than the events;
  a deadlines fold ~3.5 MB. Warming them took 16–53 s here.
- **The API's default report** (`at` = `known_at` = now) starts from the latest fold.
- **Exactly one projector per database.** Two `ledger project` processes on one database
  race for the tracking row and one dies (`IntegrityError: Failed to record tracking`);
  `ledger serve --workers N` starts exactly one.
- **This PostgreSQL server runs with `autovacuum = off`**; without statistics the planner
  guesses. The harness runs `ANALYZE` on its cached database after loading it (as
  autovacuum would); after a `ledger import` in production, run `ANALYZE` too.
"""

METHOD = """
**The ledger** (bench/generate.py, bench/population.py) is three years (2023-01 to 2025-12)
of a province's data sharing, the same for the same seed: 40 departments (34 of the 厅's
own, 6 厅外), 3,000 resources (share types 60/35/5% unconditional/conditional/not shared;
update cycles mostly irregular or yearly), 20,000 share requests (picked by share type
60/35/5%) with replies (88% within 10 working days, 7% late, 5% never), negotiations,
escalations and coordination decisions, 2,000 verification requests, 300 findings with
rectification orders, rectifications and criticism, the info center's aggregation
receipts per period, quarterly usage reports, yearly consistency checks, law changes and
catalog update applications, and data-use records (Art. 36) filling the rest: ~50k at
100k events, ~950k at 1M, spread over granted requests with a long tail, 3% of them
breaking a rule (no grant, a purpose not granted, a third party). Every command goes
through the ledger's verbs with `Command.now` on the timeline; the store's clock follows
the timeline too, so `recorded_at` is a real three-year history. Data uses past the first
2,000 are decided by the domain's `record_data_use` with the resource and request kept
in memory (the verb re-reads both each time). The PostgreSQL ledger is the SQLite one
exported and imported (`store/transfer.py`): the same positions, bytes and root.

**(a) Append.** Data-use events (≈520-byte payloads) appended through
`Ledger.record` (pydantic mapper, orjson, our recorder with the Merkle tree) against the
bare library: an `Application` with its default mapper and JSON transcoder and the stock
`eventsourcing.sqlite`/`eventsourcing.postgres` recorder saving a library `Use`
aggregate with the same fields (its payloads are ~25% larger: the library tags each
datetime and UUID). The same number of events per transaction (1, then 100), fresh
databases per run, the contenders taking turns every ten transactions. The ceiling is
psycopg `COPY` of our stored bytes into a plain table (SQLite has no COPY: raw
`executemany` INSERT in WAL mode, as the library's datastore). The tree-overhead rows are
bench/append_tree.py's measurement (recorder against recorder, pre-encoded events).

**(b) HTTP.** `ledger serve --workers 2` as a subprocess on a copy of the cached
ledger (it starts one `ledger project` beside its workers). `POST /v1/data-uses`, each
citing a granted request of the caller's department, from a pool of keep-alive
connections in the harness's process (bench/lean_client.py: requests written as bytes,
~0.1 ms of CPU each; the machine has no third core to put the client on, so the client is
kept small instead): closed loop at each concurrency level (at most
600 requests or 15 s per level), then open loop at half the best throughput for 15 s,
latency counted from when each request was due. Baseline: the bare library's
get-decide-save in-process, one thread (get the grant, decide, save a `Use`), on a fresh
database of the same backend, run before and after the HTTP levels (mean of the two).
Bulk: `POST /v1/data-uses:batch` of NDJSON lines, each with its own idempotency key,
one request at a time (the body is built before the clock starts). After each request,
the bare library decides as many uses (a `repository.get` of the grant each) and saves
them in one `save` (the baseline), then the rows that request wrote (each use and its
receipt), read back from the store outside the timing, go into a plain table in one raw
append, psycopg `COPY` or (SQLite) `executemany` INSERT in one transaction, as in (a):
the ceiling. The three take turns request by request; the baseline's turn begins once
the forensic read model has caught up with the request (not timed: the projector runs in
a process of its own, and under a steady load its work overlaps the next request).

**(c) Rebuild.** `replay(...)` of each projection over the whole log from the first
event with saved folds off (`every=0`), events/s over the whole log; it decodes only the
events of the projection's topics. Baseline: the library's stock recorder
`select_notifications` over the same event table (the same bytes), pages of 2,000, every
notification decoded by the library's default mapper and JSON transcoder.

**(d) Reports at an instant.** `supervision_report` and `deadlines_report`
(replays/reports.py) at 100 random business instants in 2023–2025, each asked
`known_at=now` and `known_at=at`. Saved folds on (every 10,000 events, the default):
before timing, each report's saved folds are dropped and one replay at now saves them
again (its time is in Details). A series stops at its time budget (90 s in a full run),
so slow series answer fewer instants; the count is in Details.

**(e) Forensic queries.** The forensic view (api/read_models.py `open_view`, caught up
by the projection runner): `resource_history` of 100 random resources and `data_uses`
trails of 100 random resources, departments or people, first page of 100, as known now.

**(f) Verify.** `store/verify.py`'s `verify_ledger` over the whole ledger (leaf hashes,
tree nodes, recorded_at order), against `hashlib.sha256` over the same leaf inputs
(0x00 ‖ canonical bytes), read into memory beforehand, in a tight loop.

**(h) Console pages.** `GET` of each console page through the app in process (FastAPI's
TestClient, no network) with the session cookie of a generated principal (the leading
group; a department for the workbench), at random business instants in 2023–2025,
alternately as known then and as known now, after the saved folds are warmed as in (d);
the time from request to the whole rendered page. Baseline: the report the page stands on
(`supervision_report`, `deadlines_report`, `catalog_state`), alone, at the same instant
right after, so the ratio shows what the page adds. `/supervision/trend` is the 12-month
trend the overview fetches after it has shown the grid (twelve supervision reports).
"""
