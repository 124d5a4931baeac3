/* The store's migrations, applied in this order; schema_version records each by its 1-based
 * position. Append new entries at the end and never edit or reorder a released one: a store
 * created by an older boxrank is brought up to date by running only the entries it lacks. */
#include "br_store.h"

const BrStoreMigration br_store_migrations[] = {
    {"runs, selections and unit entities",
     "CREATE TABLE runs ("
     "  id INTEGER PRIMARY KEY,"
     "  started_at TEXT NOT NULL," /* ISO 8601 UTC */
     "  finished_at TEXT NOT NULL,"
     "  as_of TEXT NOT NULL," /* YYYY-MM-DD the lists are for */
     "  pack_name TEXT NOT NULL,"
     "  pack_version TEXT,"
     "  pack_hash TEXT NOT NULL,"
     "  pack_dir TEXT NOT NULL,"
     "  profile TEXT,"
     "  threads INTEGER NOT NULL,"
     "  seed INTEGER NOT NULL," /* the 64-bit seed's bit pattern */
     "  lines_read INTEGER NOT NULL,"
     "  lines_rejected INTEGER NOT NULL,"
     "  units INTEGER NOT NULL,"
     "  selected INTEGER NOT NULL);"
     "CREATE INDEX runs_as_of ON runs(as_of);"
     "CREATE TABLE run_inputs ("
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  ord INTEGER NOT NULL,"
     "  path TEXT NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  PRIMARY KEY (run_id, ord)) WITHOUT ROWID;"
     "CREATE TABLE run_rules ("
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  ord INTEGER NOT NULL," /* the rule's index in the pack at that run */
     "  rule_id TEXT NOT NULL,"
     "  title TEXT NOT NULL,"
     "  weight REAL NOT NULL,"
     "  fires INTEGER," /* lines it fired on, all lines; NULL when not counted */
     "  failures INTEGER,"
     "  PRIMARY KEY (run_id, ord)) WITHOUT ROWID;"
     "CREATE TABLE run_ports ("
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  port TEXT NOT NULL,"
     "  capacity INTEGER NOT NULL,"
     "  units INTEGER NOT NULL,"
     "  red INTEGER NOT NULL, yellow INTEGER NOT NULL, green INTEGER NOT NULL,"
     "  targeted INTEGER NOT NULL, random INTEGER NOT NULL,"
     "  PRIMARY KEY (run_id, port)) WITHOUT ROWID;"
     "CREATE TABLE units ("
     "  id INTEGER PRIMARY KEY,"
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  port TEXT NOT NULL,"
     "  unit TEXT NOT NULL,"
     "  UNIQUE (run_id, port, unit));"
     "CREATE INDEX units_port_unit ON units(port, unit);"
     "CREATE TABLE selections ("
     "  unit_id INTEGER PRIMARY KEY REFERENCES units(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('targeted', 'random')),"
     "  rank INTEGER NOT NULL,"
     "  score REAL NOT NULL,"
     "  lane TEXT NOT NULL CHECK (lane IN ('green', 'yellow', 'red')),"
     "  lines INTEGER NOT NULL,"
     "  first_line INTEGER NOT NULL);"
     "CREATE TABLE selection_rules ("
     "  unit_id INTEGER NOT NULL REFERENCES selections(unit_id),"
     "  rule_ord INTEGER NOT NULL,"
     "  PRIMARY KEY (unit_id, rule_ord)) WITHOUT ROWID;"
     "CREATE TABLE entities ("
     "  id INTEGER PRIMARY KEY,"
     "  key TEXT NOT NULL,"
     "  value TEXT NOT NULL,"
     "  UNIQUE (key, value));"
     "CREATE TABLE unit_entities ("
     "  unit_id INTEGER NOT NULL REFERENCES units(id),"
     "  entity_id INTEGER NOT NULL REFERENCES entities(id),"
     "  PRIMARY KEY (unit_id, entity_id)) WITHOUT ROWID;"},
    {"inspection outcomes",
     "CREATE TABLE imports ("
     "  id INTEGER PRIMARY KEY,"
     "  sha256 TEXT NOT NULL UNIQUE,"
     "  path TEXT NOT NULL,"
     "  imported_at TEXT NOT NULL,"
     "  rows INTEGER NOT NULL,"
     "  accepted INTEGER NOT NULL,"
     "  duplicates INTEGER NOT NULL,"
     "  rejected INTEGER NOT NULL);"
     "CREATE TABLE outcomes ("
     "  id INTEGER PRIMARY KEY,"
     "  unit TEXT NOT NULL,"
     "  port TEXT NOT NULL,"
     "  date TEXT NOT NULL,"
     "  result TEXT NOT NULL CHECK (result IN ('no_finding', 'finding')),"
     "  category TEXT,"
     "  severity INTEGER CHECK (severity BETWEEN 1 AND 5),"
     "  notes TEXT NOT NULL,"
     "  import_id INTEGER NOT NULL REFERENCES imports(id),"
     "  line INTEGER NOT NULL,"
     "  selection_unit INTEGER REFERENCES selections(unit_id),"
     "  entity_unit INTEGER REFERENCES units(id),"
     "  source TEXT GENERATED ALWAYS AS"
     "    (CASE WHEN selection_unit IS NULL THEN 'other' ELSE 'selection' END) VIRTUAL,"
     "  UNIQUE (unit, port, date));"
     "CREATE INDEX outcomes_date ON outcomes(date);"
     "CREATE INDEX outcomes_selection ON outcomes(selection_unit);"
     "CREATE INDEX outcomes_import ON outcomes(import_id);"},
    {"watchlists and screening exceptions",
     "CREATE TABLE watchlists ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  format TEXT NOT NULL CHECK (format IN ('un', 'ofac', 'csv')),"
     "  source TEXT NOT NULL," /* file or folder read */
     "  version TEXT,"         /* the source's own date or version */
     "  sha256 TEXT NOT NULL," /* of the source bytes: same hash, same content */
     "  imported_at TEXT NOT NULL,"
     "  entries INTEGER NOT NULL,"
     "  aliases INTEGER NOT NULL,"
     "  rejects INTEGER NOT NULL);"
     "CREATE TABLE watchlist_imports (" /* every import that changed a list */
     "  id INTEGER PRIMARY KEY,"
     "  list_id INTEGER NOT NULL REFERENCES watchlists(id),"
     "  version TEXT,"
     "  sha256 TEXT NOT NULL,"
     "  imported_at TEXT NOT NULL,"
     "  entries INTEGER NOT NULL,"
     "  rejects INTEGER NOT NULL);"
     "CREATE TABLE watchlist_entries ("
     "  id INTEGER PRIMARY KEY,"
     "  list_id INTEGER NOT NULL REFERENCES watchlists(id),"
     "  ord INTEGER NOT NULL," /* position in the import */
     "  ref TEXT NOT NULL,"    /* id in the source, else '#' and ord + 1 */
     "  kind TEXT NOT NULL,"
     "  name TEXT,"
     "  value TEXT,"
     "  program TEXT,"
     "  notes TEXT,"
     "  UNIQUE (list_id, ord));"
     "CREATE INDEX watchlist_entries_ref ON watchlist_entries(list_id, ref);"
     "CREATE INDEX watchlist_entries_value ON watchlist_entries(kind, value);"
     "CREATE TABLE watchlist_aliases ("
     "  entry_id INTEGER NOT NULL REFERENCES watchlist_entries(id),"
     "  name TEXT NOT NULL,"
     "  quality TEXT NOT NULL CHECK (quality IN ('good', 'low')));"
     "CREATE INDEX watchlist_aliases_entry ON watchlist_aliases(entry_id);"
     "CREATE TABLE watchlist_rejects ("
     "  list_id INTEGER NOT NULL REFERENCES watchlists(id),"
     "  location TEXT NOT NULL,"
     "  reason TEXT NOT NULL);"
     "CREATE INDEX watchlist_rejects_list ON watchlist_rejects(list_id);"
     /* By list name and entry ref, not row ids: an exception outlives re-imports of its list. */
     "CREATE TABLE watchlist_exceptions ("
     "  id INTEGER PRIMARY KEY,"
     "  list_name TEXT NOT NULL,"
     "  entry_ref TEXT NOT NULL,"
     "  party TEXT NOT NULL,"     /* as the analyst wrote it */
     "  party_key TEXT NOT NULL," /* its canonical tokens, space-separated */
     "  created_by TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  expires TEXT);" /* YYYY-MM-DD, last day in force; NULL: no expiry */
     "CREATE INDEX watchlist_exceptions_key ON watchlist_exceptions(list_name, party_key);"},
    {"accounts, audit, worklist details, results recorded in the browser, hit reviews",
     "CREATE TABLE users ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  role TEXT NOT NULL CHECK (role IN ('analyst', 'rule_author', 'commission', 'admin')),"
     "  password_hash TEXT NOT NULL," /* Argon2id, libsodium's crypto_pwhash_str format */
     "  created_at TEXT NOT NULL,"
     "  created_by TEXT NOT NULL);"
     "CREATE TABLE user_ports (" /* the ports an analyst works */
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  port TEXT NOT NULL,"
     "  PRIMARY KEY (user_id, port)) WITHOUT ROWID;"
     /* Only a hash of the token is stored: a copy of the store opens no session. */
     "CREATE TABLE sessions ("
     "  token_hash TEXT PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  csrf TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL," /* Unix seconds */
     "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE audit ("
     "  id INTEGER PRIMARY KEY,"
     "  at TEXT NOT NULL," /* ISO 8601 UTC */
     "  who TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  target TEXT NOT NULL,"
     "  detail TEXT NOT NULL);"
     "CREATE INDEX audit_at ON audit(at);"
     "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
     "  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;"
     "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
     "  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;"
     /* What an officer needs to find and open a selected unit: its manifest lines (a JSON
      * object of field name to text) and its reasons with their points, best first. */
     "CREATE TABLE selection_lines ("
     "  unit_id INTEGER NOT NULL REFERENCES selections(unit_id),"
     "  line INTEGER NOT NULL,"
     "  fields TEXT NOT NULL,"
     "  PRIMARY KEY (unit_id, line)) WITHOUT ROWID;"
     "CREATE TABLE selection_reasons ("
     "  unit_id INTEGER NOT NULL REFERENCES selections(unit_id),"
     "  ord INTEGER NOT NULL,"
     "  rule_ord INTEGER NOT NULL,"
     "  points REAL NOT NULL,"
     "  text TEXT NOT NULL,"
     "  PRIMARY KEY (unit_id, ord)) WITHOUT ROWID;"
     "ALTER TABLE outcomes ADD COLUMN recorded_by TEXT;" /* NULL: from an imported file */
     "ALTER TABLE outcomes ADD COLUMN recorded_at TEXT;"
     "CREATE TABLE outcome_versions (" /* what a correction replaced */
     "  id INTEGER PRIMARY KEY,"
     "  outcome_id INTEGER NOT NULL REFERENCES outcomes(id),"
     "  result TEXT NOT NULL,"
     "  category TEXT,"
     "  severity INTEGER,"
     "  notes TEXT NOT NULL,"
     "  recorded_by TEXT,"
     "  recorded_at TEXT,"
     "  replaced_by TEXT NOT NULL,"
     "  replaced_at TEXT NOT NULL);"
     "CREATE INDEX outcome_versions_outcome ON outcome_versions(outcome_id);"
     /* pending: waits for a second analyst (four-eyes); only active exceptions are in force. */
     "ALTER TABLE watchlist_exceptions ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
     "  CHECK (status IN ('pending', 'active', 'revoked'));"
     "ALTER TABLE watchlist_exceptions ADD COLUMN approved_by TEXT;"
     "ALTER TABLE watchlist_exceptions ADD COLUMN approved_at TEXT;"
     "ALTER TABLE watchlist_exceptions ADD COLUMN revoked_by TEXT;"
     "ALTER TABLE watchlist_exceptions ADD COLUMN revoked_at TEXT;"
     "ALTER TABLE watchlist_exceptions ADD COLUMN revoke_reason TEXT;"
     "CREATE TABLE hit_reviews ("
     "  id INTEGER PRIMARY KEY,"
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  port TEXT NOT NULL,"
     "  unit TEXT NOT NULL,"
     "  party TEXT NOT NULL,"
     "  list_name TEXT NOT NULL,"
     "  entry_ref TEXT NOT NULL,"
     "  decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),"
     "  exception_id INTEGER REFERENCES watchlist_exceptions(id),"
     "  by TEXT NOT NULL,"
     "  at TEXT NOT NULL,"
     "  reason TEXT NOT NULL);"
     "CREATE INDEX hit_reviews_run ON hit_reviews(run_id, port);"},
    /* Entity values per unit were one row per (unit, value) and a units row per unit: 6
     * million rows for a 1M-line manifest, 93% of the run's time. They become one row per
     * (bucket, run) with the bucket's units packed (br_unit_packs.h), and an outcome links to
     * the run whose packs hold its unit (entity_run; entity_unit is left NULL from here on,
     * and units keeps only selected units). */
    {"packed unit entities",
     "CREATE TABLE unit_packs ("
     "  bucket INTEGER NOT NULL,"
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  units BLOB NOT NULL,"
     "  PRIMARY KEY (bucket, run_id)) WITHOUT ROWID;"
     "ALTER TABLE outcomes ADD COLUMN entity_run INTEGER REFERENCES runs(id);"
     "INSERT INTO unit_packs (bucket, run_id, units)"
     "  SELECT br_unit_bucket(u.port, u.unit), u.run_id,"
     "         br_unit_pack_agg(u.port, u.unit, ue.entity_id)"
     "  FROM units u JOIN unit_entities ue ON ue.unit_id = u.id GROUP BY 1, 2;"
     "UPDATE outcomes SET entity_run = (SELECT run_id FROM units WHERE id = outcomes.entity_unit),"
     "  entity_unit = NULL WHERE entity_unit IS NOT NULL;"
     "DROP TABLE unit_entities;"
     "DELETE FROM units WHERE id NOT IN (SELECT unit_id FROM selections);"},
    /* A third selection kind. SQLite cannot change a CHECK in place: the table is rebuilt, as
     * its documentation prescribes (migrations run with foreign keys off, checked before the
     * commit). */
    {"explore selections",
     "CREATE TABLE selections_new ("
     "  unit_id INTEGER PRIMARY KEY REFERENCES units(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('targeted', 'random', 'explore')),"
     "  rank INTEGER NOT NULL,"
     "  score REAL NOT NULL,"
     "  lane TEXT NOT NULL CHECK (lane IN ('green', 'yellow', 'red')),"
     "  lines INTEGER NOT NULL,"
     "  first_line INTEGER NOT NULL);"
     "INSERT INTO selections_new (unit_id, kind, rank, score, lane, lines, first_line)"
     "  SELECT unit_id, kind, rank, score, lane, lines, first_line FROM selections;"
     "DROP TABLE selections;"
     "ALTER TABLE selections_new RENAME TO selections;"
     "ALTER TABLE run_ports ADD COLUMN explore INTEGER NOT NULL DEFAULT 0;"},
    {"run stamps: run ids and the watchlists each run screened against",
     "ALTER TABLE runs ADD COLUMN run_key TEXT;" /* the list stamp's run_id; NULL before */
     "CREATE UNIQUE INDEX runs_run_key ON runs(run_key);"
     "CREATE TABLE run_watchlists ("
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  ord INTEGER NOT NULL,"     /* position in the pack's [watchlists] */
     "  name TEXT NOT NULL,"
     "  sha256 TEXT NOT NULL,"     /* of the list's source bytes, as imported */
     "  version TEXT,"
     "  PRIMARY KEY (run_id, ord)) WITHOUT ROWID;"},
    /* Amended lines (br_line_versions.h). Every line of a run leaves 16 packed bytes, its key
     * hash and place, so that a later run finds the lines it sends again; only lines that
     * have more than one version get a row of their own. */
    {"line versions",
     "CREATE TABLE run_line_keys ("
     "  run_id INTEGER PRIMARY KEY REFERENCES runs(id),"
     "  keys BLOB NOT NULL);"
     "CREATE TABLE line_versions ("
     "  id INTEGER PRIMARY KEY,"
     "  key INTEGER NOT NULL," /* the first 64 bits of the B/L x container x record hash */
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  input_ord INTEGER NOT NULL," /* run_inputs.ord */
     "  line INTEGER NOT NULL,"      /* the line in that input (EDI: of its rendered lines) */
     "  bol TEXT NOT NULL,"
     "  container TEXT,"
     "  record TEXT,"
     "  port TEXT,"
     "  unit TEXT,"
     "  action TEXT CHECK (action IN ('original', 'replace', 'delete')),"
     "  source TEXT," /* EDI: interchange and message; CSV: NULL, the line says it */
     "  received_at TEXT NOT NULL," /* ISO 8601 UTC: the start of the run that read it */
     "  fields TEXT," /* the line as a JSON object; NULL for a line of an earlier run */
     "  superseded_by INTEGER REFERENCES line_versions(id)," /* NULL: the latest version */
     "  UNIQUE (run_id, input_ord, line));"
     "CREATE INDEX line_versions_key ON line_versions(key);"
     "CREATE INDEX line_versions_unit ON line_versions(port, unit);"},
    /* A change (UN/EDIFACT 1225 code 4) and a cancellation (1) are actions of their own, told
     * apart from a replacement and a deletion, which act on the whole B/L or on a line, and a
     * line a replacement of its B/L leaves out is marked dropped. The table is rebuilt for its
     * CHECK, as SQLite prescribes. */
    {"line versions: change and cancel",
     "CREATE TABLE line_versions_new ("
     "  id INTEGER PRIMARY KEY,"
     "  key INTEGER NOT NULL,"
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  input_ord INTEGER NOT NULL,"
     "  line INTEGER NOT NULL,"
     "  bol TEXT NOT NULL,"
     "  container TEXT,"
     "  record TEXT,"
     "  port TEXT,"
     "  unit TEXT,"
     "  action TEXT CHECK (action IN ('original', 'change', 'replace', 'delete', 'cancel')),"
     "  source TEXT,"
     "  received_at TEXT NOT NULL,"
     "  fields TEXT,"
     "  superseded_by INTEGER REFERENCES line_versions(id),"
     /* 1: the latest version, taken off the lists: a replacement of its whole B/L left it
      * out, or a cancellation or deletion came after it */
     "  dropped INTEGER NOT NULL DEFAULT 0,"
     "  UNIQUE (run_id, input_ord, line));"
     "INSERT INTO line_versions_new (id, key, run_id, input_ord, line, bol, container, record,"
     "  port, unit, action, source, received_at, fields, superseded_by)"
     "  SELECT id, key, run_id, input_ord, line, bol, container, record, port, unit, action,"
     "  source, received_at, fields, superseded_by FROM line_versions;"
     "DROP TABLE line_versions;"
     "ALTER TABLE line_versions_new RENAME TO line_versions;"
     "CREATE INDEX line_versions_key ON line_versions(key);"
     "CREATE INDEX line_versions_unit ON line_versions(port, unit);"},
    /* Why a rule did not run for all of a run: "failing" (the breaker) and "missing:FIELD" for
     * each field an input lacked, space-separated as in the list stamp; NULL: it ran on every
     * line. A report of the run can then tell a rule that found nothing from one that never
     * ran, long after the list files are gone. */
    {"rules switched off per run", "ALTER TABLE run_rules ADD COLUMN off TEXT;"},
    /* What the lists say of an entry besides names (br_watchlist.h, BrWatchFact). Lists
     * imported before have none: their hash is set apart so that importing the same file again
     * reads the facts instead of answering "unchanged". */
    {"watchlist facts",
     "CREATE TABLE watchlist_facts ("
     "  entry_id INTEGER NOT NULL REFERENCES watchlist_entries(id),"
     "  kind TEXT NOT NULL CHECK (kind IN ('country', 'birth_date', 'id', 'address')),"
     "  value TEXT NOT NULL,"
     "  note TEXT);"
     "CREATE INDEX watchlist_facts_entry ON watchlist_facts(entry_id);"
     "ALTER TABLE watchlists ADD COLUMN facts INTEGER NOT NULL DEFAULT 0;"
     "UPDATE watchlists SET sha256 = 'before-facts:' || sha256;"},
    /* Packs keyed by bucket first put each run's 65,536 rows between every earlier run's:
     * recording a run rewrote every page of the table, 37 MB more per run already stored for a
     * 1M-line day (bench/README.md, "The store on"). Keyed by run first, a run's packs are
     * appended; finding a unit's bucket in a run is still one lookup of the key. */
    {"unit packs in run order",
     "CREATE TABLE unit_packs_by_run ("
     "  run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  bucket INTEGER NOT NULL,"
     "  units BLOB NOT NULL,"
     "  PRIMARY KEY (run_id, bucket)) WITHOUT ROWID;"
     "INSERT INTO unit_packs_by_run (run_id, bucket, units)"
     "  SELECT run_id, bucket, units FROM unit_packs ORDER BY run_id, bucket;"
     "DROP TABLE unit_packs;"
     "ALTER TABLE unit_packs_by_run RENAME TO unit_packs;"},
};

const guint br_store_migration_count = G_N_ELEMENTS(br_store_migrations);
