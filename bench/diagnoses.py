"""What RESULTS.md says beside the figures: how each is measured, and why a bar is missed.

``DIAGNOSES`` holds, for each measurement that missed its bar in the full run, where the
time goes (from profiles: pyinstrument and cProfile, on the cached 1M-event ledger) and
the fix proposed. RESULTS.md quotes an entry only while its row misses the bar.
Keys: ``a.append``, ``b.throughput``, ``b.p99``, ``c.rebuild.<projection>``, ``d.now``,
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
*Why:* on two cores the client, two uvicorn workers and the projector share the CPU, and
a command costs ~6 ms of CPU in all (Details: workers ~3 ms, client ~2 ms, projector
~1 ms), against ~0.5 ms for the bare library's in-process get-decide-save. Of the
workers' share (py-spy of a worker under load): FastAPI/uvicorn/pydantic request and
response handling ~40%; five database reads per command where the bare loop has one (the
principal for the token; `record_data_use` reads the resource, then the share request
twice — `_state_then` calls `self.get` and then `self.events.get` for the same stream;
and after the commit `CommandRunner._respond` reads `recorded_at` back with
`recorded_at_of`, ~10% of the worker alone); the commit's fsync. The projector writes one
transaction per event (`ForensicProjection.process_event` → `ForensicQueries.record`), so
each command costs a second fsync and ~1 ms of CPU. On SQLite the two workers also
serialise on the file's write lock.
*Fix, in order of gain:* (1) the projector consumes the subscription in batches (one
transaction per 100 events or 50 ms; tracking still written with the rows) — ~5× less
projector CPU and one fsync per batch (it also makes the catch-up after an import
~5× faster, see The generated ledger); (2) return `recorded_at` from the insert
(the recorder's `Extension` has it) instead of reading it back; (3) in
`SharingVerbs.record_data_use` fold the request once from `self.events.get` (no separate
`self.get`), take the provider and resource code from the request instead of reading the
resource when a request is cited, and cache principals by token hash (revocation is an
event: invalidate on it); (4) group commit: a writer thread that saves the decisions
queued in the last few ms in one transaction, so throughput grows with concurrency
instead of being one fsync per command. (1)–(3) remove ~40% of the CPU per command; the
bar (half of an in-process loop with no HTTP, JSON or auth at all) also needs (4) and,
on this machine, the client off the two cores.
""",
    "b.p99": """
*Why:* at half the best throughput the cores are still ~70–90% busy (client, workers and
projector share them), so requests queue behind the projector's per-event transactions
and the workers' fsyncs; the tail is those queues. *Fix:* as for throughput — the batched
projector and fewer reads per command free the cores, which is what brings the tail down.
""",
    "c.rebuild.supervision": """
*Why (pyinstrument, full rebuild):* ~55% is `DeadlineRegister.apply`, which the
supervision fold calls for every event it folds — 950k data uses included, though no
deadline rule concerns them — and which, for each event, walks every rule's
`opens/discharges/cancels/starts/stops/withdraws` mappings with `isinstance`
(`projections/deadlines.py` `_handlers`); ~20% is decoding every data use through
pydantic (the fold only needs its `marks`); ~20% is `select_records` building a
`StoredEvent` and a `UUID` for every row. The bare library only decodes.
*Fix:* (1) dispatch by event class, computed once per class (a dict from class to the
handlers that apply, resolved along the MRO), and in `SupervisionProjection.apply` hand
the register only events whose topic is in `register.topics`; (2) let a projection
declare the fields it needs, or decode data uses with `model_construct` from the orjson
dict (payloads were validated when recorded); (3) filter topics in SQL in
`select_records` and build ids only for rows kept. (1) alone roughly doubles the rate.
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
*Why (pyinstrument, 1M events):* per report, ~40% is `obligations_at`, which rebuilds every
obligation since 2023 (every aggregation period of every resource, each with
`add_working_days` walking day by day and a `uuid5` id) though the report needs only their
status at the instant; ~15–20% is loading the saved fold: a supervision fold is ~10 MB of
JSON (17 MB at the end of the log: the state keeps every V09 detection and every
aggregation coverage), parsed by `TypeAdapter.validate_json` on every report; the rest is
folding up to 10,000 events from the fold to the instant. The deadlines report also
serialises every obligation row. *Fix:* (1) keep obligations whose status can no longer
change (discharged, or breached and past) in the fold as they close, so a report computes
only the open ones; memoise `add_working_days` per (calendar, start day, n); (2) keep the
folds small — V09 detections are one-per-use facts that the forensic tables already index:
count them there — and keep the last folds decoded in memory (they never change);
(3) then save folds every 2,000 events instead of 10,000.
""",
    "d.now": """
*Why (pyinstrument, 1M events):* "at T as known now" starts from the saved fold valid for
T and then reads, builds and decodes every event recorded after it up to the head — for
an instant in 2023 that is most of the log — only to skip those that occurred after T:
~50% in `select_records` (half of it constructing a `UUID` per row), ~35% in the
pydantic decode, 15–25 s per supervision report. Only the late entries (recorded after
the fold, occurred by T: ~1% of uses here) change the answer. *Fix:* store `occurred_at`
in `ledger_entries` (it is a payload field today; the column would be written under the
same lock, and hashed or not as the team prefers) with an index on
`(occurred_at, position)`, and let the replay select only rows after the fold with
`occurred_at <= T` and a topic of the projection — a few hundred rows instead of a
million; the report then costs what known_at=at costs.
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
- **The calendar rescans the whole log.** `CalendarVerbs.calendar()` (via
  `LedgerBase.caught_up`) remembers how far it has read only when it finds a
  `HolidaySchedulePublished`; with none published (the usual case: the seeded schedules
  cover 2004–2026) every call scans the whole event table (`topic IN (…)`, no index): 25 ms
  at 100k events, ~250 ms at 1M, on every conditional share request, reply, verification
  request and answer, law or function change. Generating the 100k ledger took 227 s with
  it and 29 s with the calendar read once (bench/generate.py does that, and says so).
  *Fix:* read `max_notification_id()` before the scan and resume from it (positions follow
  commit order under the insert lock), or index `topic`.
- **The forensic read model catches up one transaction per event**: the projection
  runner managed ~1,500 events/s on SQLite and ~1,000 on PostgreSQL here, so a 1M-event
  `ledger import` is searchable only after 11–17 minutes, and on the live path every
  command costs a second fsync. *Fix:* batch (see (b)); the harness's batched catch-up,
  with the view's own statements, runs 5–10× faster.
- **Resource history on PostgreSQL takes ~0.4 s at 1M events** (1–3 ms on SQLite):
  `originator_id = ? OR position IN (SELECT … forensic_refs …)` with `ORDER BY position
  LIMIT` makes PostgreSQL walk the primary key over the whole table (EXPLAIN ANALYZE: 999,992
  rows removed by filter, 590 ms, with fresh statistics). Written as
  `position IN (SELECT position FROM forensic_events WHERE originator_id = ? UNION SELECT
  position FROM forensic_refs WHERE resource_id = ?)` it takes 3 ms. Likewise the
  data-use trail by person, `user_person = ? OR approver = ?`, has no index on `approver`:
  people with few uses cost a scan (the p95).
- **Saved folds are large.** A supervision fold is ~10 MB of JSON on average (17 MB at the
  head: every V09 detection and aggregation coverage), so its 100 saved folds take ~1 GB at
  1M events, more than the events; a deadlines fold ~3 MB. Warming them takes ~1 minute.
- **Past instants asked as known now are the slow case**; the API's default report
  (`at` = `known_at` = now) starts from the latest fold and is fast.
- **HTTP on SQLite is bound by the write lock, not the CPU**: throughput stops growing
  after concurrency 4 while the cores are only 65–75% busy (Details): the two workers and
  the projector take turns on the file's one write lock, waiting in SQLite's sleeping busy
  handler. On PostgreSQL the cores are ~90% busy (and the server's own CPU is not counted).
- **Exactly one projector per database.** Two `ledger project` processes on one database
  race for the tracking row and one dies (`IntegrityError: Failed to record tracking`);
  `ledger serve --workers N` now starts exactly one, but an operator starting another
  beside it would see one crash. Worth a note in the README.
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
citing a granted request of the caller's department, from an async httpx client pool in
the harness's process (same two cores): closed loop at each concurrency level (at most
600 requests or 15 s per level), then open loop at half the best throughput for 15 s,
latency counted from when each request was due. Baseline: the bare library's
get-decide-save in-process, one thread (get the grant, decide, save a `Use`), on a fresh
database of the same backend, run before and after the HTTP levels (mean of the two).

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
"""
