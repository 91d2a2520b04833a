//! Schema migrations.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// Migrations in order; `PRAGMA user_version` = how many have been applied. Append,
/// never edit: stores in the field have run the old ones.
pub const MIGRATIONS: &[&str] = &[
    // 1: articles, full-text index (dropped by 8), near-duplicate index.
    "CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        date TEXT NOT NULL,
        title TEXT,
        text TEXT NOT NULL,
        source TEXT,
        url TEXT,
        lang TEXT NOT NULL,
        dup_of TEXT,
        meta TEXT,
        content_hash INTEGER NOT NULL,
        minhash BLOB NOT NULL
    );
    CREATE INDEX articles_date ON articles(date, id);
    CREATE INDEX articles_content_hash ON articles(content_hash);
    CREATE INDEX articles_dup_of ON articles(dup_of) WHERE dup_of IS NOT NULL;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text,
        content = 'articles', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Titles weigh twice the body: a word in the headline says what the story is about.
    INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
    -- Buffer 16 MiB of postings before flushing a segment (default 1 MiB): fewer,
    -- larger segments mean less merging during ingest and faster queries after.
    INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 16777216);
    CREATE TABLE minhash_bands (
        key INTEGER NOT NULL,
        article INTEGER NOT NULL REFERENCES articles(rowid),
        PRIMARY KEY (key, article)
    ) WITHOUT ROWID;",
    // 2: the extraction layer — which articles are annotated, their mentions, and
    // the actors those link to.
    "ALTER TABLE articles ADD COLUMN extracted INTEGER;
    -- What a new ingest (or a newer dateline) still has to annotate.
    CREATE INDEX articles_extracted ON articles(extracted);
    -- One row per actor id ever linked: the dictionary's name and roles, or the name
    -- an article first gave. Everything dated (aliases, learned codes, counts) is
    -- derived from mentions inside a date window, never stored here.
    CREATE TABLE actors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        dictionary_codes TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE mentions (
        article INTEGER NOT NULL REFERENCES articles(rowid),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,
        actor TEXT REFERENCES actors(id),
        code TEXT,
        resolved_from TEXT
    );
    CREATE INDEX mentions_article ON mentions(article);
    CREATE INDEX mentions_actor ON mentions(actor, article) WHERE actor IS NOT NULL;",
    // 3: statements. The columns are what the filters of `dateline statements` look
    // at; `record` is the whole `Statement` as JSON, returned as is.
    "CREATE TABLE statements (
        rowid INTEGER PRIMARY KEY,
        article INTEGER NOT NULL REFERENCES articles(rowid),
        id TEXT NOT NULL,
        content_start INTEGER NOT NULL,
        kind TEXT NOT NULL,
        speaker_name TEXT NOT NULL,
        speaker_actor TEXT,
        via_name TEXT,
        via_actor TEXT,
        record TEXT NOT NULL
    );
    CREATE INDEX statements_article ON statements(article, content_start);
    CREATE INDEX statements_speaker ON statements(speaker_actor) WHERE speaker_actor IS NOT NULL;
    CREATE TABLE statement_about (
        statement INTEGER NOT NULL REFERENCES statements(rowid),
        actor TEXT NOT NULL,
        PRIMARY KEY (actor, statement)
    ) WITHOUT ROWID;",
    // 4: events. As with statements, the record whole beside the filtered columns.
    "CREATE TABLE events (
        rowid INTEGER PRIMARY KEY,
        article INTEGER NOT NULL REFERENCES articles(rowid),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        code TEXT NOT NULL,
        root TEXT NOT NULL,
        source_actor TEXT,
        source_code TEXT NOT NULL,
        target_actor TEXT,
        target_code TEXT,
        record TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article, position);
    CREATE INDEX events_source ON events(source_code);
    CREATE INDEX events_target ON events(target_code) WHERE target_code IS NOT NULL;",
    // 5: what the store was built with (the user's actor dictionaries, whole), so a
    // later ingest annotates the same way unless told otherwise.
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;",
    // 6: knowledge as of an article's date. What each article alone says about the
    // people it names (`made_by`: the annotation key that computed it; only facts
    // made under the current key are known), and which questions each article asked
    // the knowledge with a hash of the answer, so that a late article re-annotates
    // exactly the later ones whose answer it changes.
    "CREATE TABLE person_facts (
        article INTEGER NOT NULL REFERENCES articles(rowid),
        actor TEXT NOT NULL,
        surname TEXT NOT NULL,
        name TEXT NOT NULL,
        code TEXT,
        gender TEXT,
        titles TEXT NOT NULL,
        made_by INTEGER NOT NULL
    );
    CREATE INDEX person_facts_article ON person_facts(article);
    CREATE INDEX person_facts_actor ON person_facts(actor, made_by);
    CREATE INDEX person_facts_surname ON person_facts(surname, made_by);
    CREATE TABLE knowledge_asked (
        question TEXT NOT NULL,
        article INTEGER NOT NULL REFERENCES articles(rowid),
        answer INTEGER NOT NULL,
        PRIMARY KEY (question, article)
    ) WITHOUT ROWID;
    CREATE INDEX knowledge_asked_article ON knowledge_asked(article);",
    // 7: each copy's best earlier match, so duplicate groups no longer depend on the
    // order articles arrived in (see `Writer::add`). Groups formed before keep their
    // head: each copy's match is taken to be it.
    "ALTER TABLE articles ADD COLUMN dup_via TEXT;
    UPDATE articles SET dup_via = dup_of WHERE dup_of IS NOT NULL;
    CREATE INDEX articles_dup_via ON articles(dup_via) WHERE dup_via IS NOT NULL;",
    // 8: full-text search moves out of SQLite into a derived index beside the file
    // (dateline-search). Each change the index must reflect (an article stored, an
    // article becoming a copy) is logged here in the transaction that makes it; the
    // index records the last entry it applied, so it catches up after a crash. The
    // store's id tells an index left beside a new file of the same name from its own.
    "DROP TABLE articles_fts;
    CREATE TABLE search_queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        article INTEGER NOT NULL REFERENCES articles(rowid)
    );
    INSERT INTO settings (key, value) VALUES ('search_index.store', lower(hex(randomblob(16))));",
    // 9: mention counts per actor and day, so that the actor listing and an actor's
    // counts in a window sum a few rows per actor instead of reading every mention;
    // and statements by the codes of their speaker and of whom they are about.
    // Kept by triggers, in the transaction that writes the mentions, so they cannot
    // drift from them (mentions are only ever inserted and deleted, and an article's
    // date never changes). `articles` counts the articles of that day naming the
    // actor: a day belongs to one article date, so sums over days stay distinct.
    "CREATE TABLE actor_days (
        actor TEXT NOT NULL,
        day TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (actor, day)
    ) WITHOUT ROWID;
    INSERT INTO actor_days (actor, day, mentions, articles)
        SELECT m.actor, a.date, count(*), count(DISTINCT m.article)
        FROM mentions m JOIN articles a ON a.rowid = m.article
        WHERE m.actor IS NOT NULL GROUP BY m.actor, a.date;
    CREATE TRIGGER actor_days_insert AFTER INSERT ON mentions WHEN NEW.actor IS NOT NULL
    BEGIN
        INSERT INTO actor_days (actor, day, mentions, articles)
        VALUES (NEW.actor, (SELECT date FROM articles WHERE rowid = NEW.article), 1,
                NOT EXISTS (SELECT 1 FROM mentions WHERE actor = NEW.actor
                            AND article = NEW.article AND rowid <> NEW.rowid))
        ON CONFLICT (actor, day) DO UPDATE
            SET mentions = mentions + 1, articles = articles + excluded.articles;
    END;
    CREATE TRIGGER actor_days_delete AFTER DELETE ON mentions WHEN OLD.actor IS NOT NULL
    BEGIN
        UPDATE actor_days
            SET mentions = mentions - 1,
                articles = articles - NOT EXISTS (SELECT 1 FROM mentions
                    WHERE actor = OLD.actor AND article = OLD.article)
            WHERE actor = OLD.actor AND day = (SELECT date FROM articles WHERE rowid = OLD.article);
        DELETE FROM actor_days WHERE actor = OLD.actor AND mentions = 0;
    END;
    -- The codes a statement's speaker, and each actor it is about, hold in its
    -- article: a timeline by code prefix reads the statements it shows, not every
    -- statement. Written with the statement (annotations.rs).
    CREATE TABLE statement_codes (
        role TEXT NOT NULL CHECK (role IN ('speaker', 'about')),
        code TEXT NOT NULL,
        statement INTEGER NOT NULL REFERENCES statements(rowid),
        PRIMARY KEY (role, code, statement)
    ) WITHOUT ROWID;
    CREATE INDEX statement_codes_statement ON statement_codes(statement);
    INSERT OR IGNORE INTO statement_codes (role, code, statement)
        SELECT 'speaker', m.code, s.rowid FROM statements s
        JOIN mentions m ON m.article = s.article AND m.actor = s.speaker_actor
        WHERE m.code IS NOT NULL;
    INSERT OR IGNORE INTO statement_codes (role, code, statement)
        SELECT 'about', m.code, s.rowid FROM statements s
        JOIN statement_about b ON b.statement = s.rowid
        JOIN mentions m ON m.article = s.article AND m.actor = b.actor
        WHERE m.code IS NOT NULL;
    -- An actor argument given as a name (`--speaker \"Ilena Marsk\"`) is looked up
    -- among the names articles used.
    CREATE INDEX mentions_text ON mentions(text COLLATE NOCASE) WHERE actor IS NOT NULL;
    -- The forms an actor was named in, and the codes it held, per day: an actor's
    -- aliases and learned codes in a window, from a few rows. `named` is whether the
    -- mention is a name for its actor (annotations.rs, `names_its_actor!`, whose test
    -- checks this list too); `code` is '' for none.
    CREATE TABLE actor_forms (
        actor TEXT NOT NULL,
        day TEXT NOT NULL,
        text TEXT NOT NULL,
        code TEXT NOT NULL,
        named INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (actor, day, text, code, named)
    ) WITHOUT ROWID;
    INSERT INTO actor_forms (actor, day, text, code, named, mentions)
        SELECT m.actor, a.date, m.text, coalesce(m.code, ''),
               m.resolved_from IS NULL OR m.resolved_from IN ('surname', 'known_surname', 'short_name'),
               count(*)
        FROM mentions m JOIN articles a ON a.rowid = m.article
        WHERE m.actor IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
    CREATE TRIGGER actor_forms_insert AFTER INSERT ON mentions WHEN NEW.actor IS NOT NULL
    BEGIN
        INSERT INTO actor_forms (actor, day, text, code, named, mentions)
        VALUES (NEW.actor, (SELECT date FROM articles WHERE rowid = NEW.article), NEW.text,
                coalesce(NEW.code, ''),
                NEW.resolved_from IS NULL
                    OR NEW.resolved_from IN ('surname', 'known_surname', 'short_name'),
                1)
        ON CONFLICT (actor, day, text, code, named) DO UPDATE SET mentions = mentions + 1;
    END;
    CREATE TRIGGER actor_forms_delete AFTER DELETE ON mentions WHEN OLD.actor IS NOT NULL
    BEGIN
        UPDATE actor_forms SET mentions = mentions - 1
            WHERE actor = OLD.actor AND day = (SELECT date FROM articles WHERE rowid = OLD.article)
              AND text = OLD.text AND code = coalesce(OLD.code, '')
              AND named = (OLD.resolved_from IS NULL
                  OR OLD.resolved_from IN ('surname', 'known_surname', 'short_name'));
        DELETE FROM actor_forms WHERE actor = OLD.actor AND mentions = 0;
    END;
    CREATE TRIGGER mentions_update BEFORE UPDATE OF actor, article, text, code, resolved_from ON mentions
    BEGIN
        SELECT RAISE(ABORT, 'mentions are replaced, not updated (actor_days and actor_forms count them)');
    END;",
    // 10: stories. Each article's story as the clusterer chose it (its index in the
    // pass), the merges later articles made (with the article that made each, so a
    // story as of a day shows only the merges made by then), and the clusterer's
    // state at the start of the last day clustered, so that new articles continue the pass. See
    // `stories.rs` for the invariant.
    "CREATE TABLE story_members (
        article INTEGER PRIMARY KEY REFERENCES articles(rowid),
        story INTEGER NOT NULL,
        founded INTEGER NOT NULL
    );
    CREATE TABLE story_merges (
        story INTEGER PRIMARY KEY,
        into_story INTEGER NOT NULL,
        article INTEGER NOT NULL REFERENCES articles(rowid)
    );
    CREATE TABLE story_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        config TEXT NOT NULL,
        through_day TEXT NOT NULL,
        state BLOB NOT NULL
    );",
];

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Schema(format!(
            "this store has schema version {version}, newer than this dateline knows ({known}); upgrade dateline"
        )));
    }
    if version == known {
        return Ok(());
    }
    // Another process may be migrating the same file right now (two ingests started
    // together on a new store): take the write lock first, then read the version
    // again under it, so the second one finds the work done instead of failing on
    // `table articles already exists`.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
