//! The hub's storage: one interface over SQLite (a file, the default) and
//! PostgreSQL (a regulator at national scale), through sqlx's `Any` driver
//! and one set of migrations written in SQL both read.
//!
//! A push is stored in one transaction: its entries, checkpoint, runs,
//! results and flags, all or nothing. A push that raced another for the same
//! entries fails on the entries' primary key and changes nothing; acknowledged
//! means committed.

use std::collections::BTreeMap;

use mizuchi_ledger::merkle::Hash;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

use crate::verify::{Accepted, Held};
use crate::wire::{Enrolment, PolicyDoc};

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// The migrations could not be applied.
    #[error("the database's tables could not be created or upgraded: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// Another push stored some of these entries first.
    #[error(
        "another push stored entries of this ledger meanwhile; ask for the head and push again"
    )]
    Conflict,
    /// A run reuses a result the hub does not hold as it names it.
    #[error("run `{run}` cannot reuse the result of `{rule}` at entry {index}: {why}")]
    Unresolved {
        /// The run.
        run: String,
        /// The rule.
        rule: String,
        /// The entry it names.
        index: u64,
        /// What is wrong.
        why: String,
    },
    /// The stored records are not what the hub wrote.
    #[error("the stored records of utility `{0}` are damaged: {1}")]
    Damaged(String, String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Unavailable(e)
    }
}

/// What an enrolment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrolled {
    /// The utility is new.
    New,
    /// The utility was enrolled with the same key: nothing changed.
    Same,
    /// The utility is enrolled with another key; nothing changed.
    KeyDiffers,
}

/// A utility as the views show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UtilityView {
    /// Its id.
    pub id: String,
    /// Its name in Japanese.
    pub name_ja: String,
    /// Its name in English.
    pub name_en: String,
    /// Entries accepted.
    pub entries: u64,
    /// Its runs, oldest first.
    pub runs: Vec<RunView>,
    /// The outcome of each rule in its latest run.
    pub latest: BTreeMap<String, String>,
    /// Every flag raised, oldest first.
    pub flags: Vec<FlagView>,
}

/// A run as the views show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunView {
    /// The run id.
    pub run: String,
    /// Its assessment date.
    pub as_of: String,
    /// Its packs.
    pub packs: String,
    /// Outcomes counted: `pass` → n, …
    pub outcomes: BTreeMap<String, u64>,
}

/// A flag as the views show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagView {
    /// The run it is about, if any.
    pub run: Option<String>,
    /// Its code: `unsigned-pack`, `publisher`, `overrides`, `rewritten`.
    pub kind: String,
    /// What it means.
    pub detail: String,
}

/// Every utility, and the force of every rule seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    /// Rules by force (`ordinance`, `recommended`), each sorted.
    pub rules: BTreeMap<String, Vec<String>>,
    /// The utilities, by id.
    pub utilities: Vec<UtilityView>,
}

/// Rows per `INSERT`: well under the parameters a statement may bind
/// (SQLite 32,766; PostgreSQL 65,535).
const ROWS_PER_INSERT: usize = 200;

/// `INSERT INTO {table} VALUES ($1, …), (…), …` for `rows` rows of
/// `columns` values each.
fn insert_rows(table: &str, columns: usize, rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * columns + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// The sequence number of `utility`'s last flag (0 for none), read in the
/// transaction that adds the next ones.
async fn last_flag(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    utility: &str,
) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM flags WHERE utility = $1")
        .bind(utility)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get(0)?)
}

/// The hub's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

impl Store {
    /// Connects to `url` (`sqlite://hub.db?mode=rwc`, `postgres://…`) and
    /// brings its tables to the current migration.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(if url.starts_with("sqlite:") { 1 } else { 16 })
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(StoreError::Migrate)?;
        Ok(Store { pool })
    }

    /// The connection URL for a SQLite file at `path`, created if missing.
    pub fn sqlite_url(path: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", path.display())
    }

    /// Enrols a utility, vouched for by the regulator's signed `envelope`.
    pub async fn enrol(
        &self,
        e: &Enrolment,
        key_id: &str,
        envelope: &str,
    ) -> Result<Enrolled, StoreError> {
        let existing = sqlx::query("SELECT key_id FROM utilities WHERE id = $1")
            .bind(&e.utility)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = existing {
            let stored: String = row.try_get(0)?;
            return Ok(if stored == key_id {
                Enrolled::Same
            } else {
                Enrolled::KeyDiffers
            });
        }
        let inserted = sqlx::query(
            "INSERT INTO utilities (id, name_ja, name_en, public_key, key_id, enrolment) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&e.utility)
        .bind(&e.name.ja)
        .bind(&e.name.en)
        .bind(&e.key)
        .bind(key_id)
        .bind(envelope)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(Enrolled::New),
            // Enrolled by a concurrent request: say what is stored now.
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                Box::pin(self.enrol(e, key_id, envelope)).await
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The ledger key (SPKI PEM) a utility was enrolled with.
    pub async fn key(&self, utility: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT public_key FROM utilities WHERE id = $1")
            .bind(utility)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// What the hub holds of a utility's ledger, with the leaf hashes.
    pub async fn held(&self, utility: &str) -> Result<(Held, Vec<Hash>), StoreError> {
        let rows =
            sqlx::query("SELECT idx, leaf, line_hash FROM entries WHERE utility = $1 ORDER BY idx")
                .bind(utility)
                .fetch_all(&self.pool)
                .await?;
        let damaged = |why: String| StoreError::Damaged(utility.to_owned(), why);
        let mut held = Held::empty();
        let mut leaves = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let idx: i64 = row.try_get(0)?;
            if idx != i as i64 {
                return Err(damaged(format!("entry {i} is missing")));
            }
            let leaf: String = row.try_get(1)?;
            let line_hash: String = row.try_get(2)?;
            let leaf: Hash = hex::decode(&leaf)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| damaged(format!("entry {i} has no leaf hash")))?;
            leaves.push(leaf);
            held.last_line = line_hash;
        }
        held.size = leaves.len() as u64;
        held.root = mizuchi_ledger::merkle::root(&leaves);
        Ok((held, leaves))
    }

    /// Stores a verified push in one transaction, with `flags` of its runs;
    /// nothing if it holds no new entry.
    pub async fn store(&self, utility: &str, accepted: &Accepted) -> Result<(), StoreError> {
        if accepted.entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        // Many rows per statement: one round trip for a run's entries.
        for chunk in accepted.entries.chunks(ROWS_PER_INSERT) {
            let sql = insert_rows(
                "entries (utility, idx, line, leaf, line_hash)",
                5,
                chunk.len(),
            );
            let mut q = sqlx::query(&sql);
            for (idx, line, leaf, hash) in chunk {
                q = q
                    .bind(utility)
                    .bind(*idx as i64)
                    .bind(line)
                    .bind(leaf)
                    .bind(hash);
            }
            match q.execute(&mut *tx).await {
                Ok(_) => {}
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    return Err(StoreError::Conflict);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let c = &accepted.checkpoint;
        sqlx::query("INSERT INTO checkpoints (utility, size, root, note) VALUES ($1, $2, $3, $4)")
            .bind(utility)
            .bind(c.size as i64)
            .bind(hex::encode(c.root))
            .bind(&c.text)
            .execute(&mut *tx)
            .await?;
        let mut seq = last_flag(&mut tx, utility).await?;
        for run in &accepted.runs {
            sqlx::query(
                "INSERT INTO runs (utility, run, idx, as_of, packs) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(utility)
            .bind(&run.run)
            .bind(run.index as i64)
            .bind(&run.as_of)
            .bind(&run.packs)
            .execute(&mut *tx)
            .await?;
            for (kind, detail) in &run.flags {
                seq += 1;
                sqlx::query("INSERT INTO flags (utility, seq, run, kind, detail) VALUES ($1, $2, $3, $4, $5)")
                    .bind(utility)
                    .bind(seq)
                    .bind(&run.run)
                    .bind(kind)
                    .bind(detail)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for chunk in accepted.results.chunks(ROWS_PER_INSERT) {
            let sql = insert_rows(
                "results (utility, run, rule, force, outcome)",
                5,
                chunk.len(),
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(utility)
                    .bind(&r.run)
                    .bind(&r.rule)
                    .bind(&r.force)
                    .bind(&r.outcome);
            }
            q.execute(&mut *tx).await?;
        }
        // A reused result is checked against the accepted line it names
        // (its hash, rule, date, host and pack, as `ledger verify` checks
        // it; the line may be in this very push), then stored as the row of
        // the run that evaluated it (the last run header before its entry).
        for r in &accepted.reused {
            let (header, u) = (&r.header, &r.reference);
            let unresolved = |why: String| StoreError::Unresolved {
                run: header.run.clone(),
                rule: u.rule.clone(),
                index: u.index,
                why,
            };
            let line: Option<String> =
                sqlx::query_scalar("SELECT line FROM entries WHERE utility = $1 AND idx = $2")
                    .bind(utility)
                    .bind(u.index as i64)
                    .fetch_optional(&mut *tx)
                    .await?;
            let line = line.ok_or_else(|| unresolved("the hub holds no such entry".into()))?;
            mizuchi_ledger::ledger::check_reference(header, u, line.as_bytes())
                .map_err(unresolved)?;
            let stored = sqlx::query(
                "INSERT INTO results (utility, run, rule, force, outcome) \
                 SELECT utility, $2, rule, force, outcome FROM results \
                 WHERE utility = $1 AND rule = $3 \
                 AND run = (SELECT run FROM runs WHERE utility = $1 AND idx < $4 ORDER BY idx DESC LIMIT 1)",
            )
            .bind(utility)
            .bind(&header.run)
            .bind(&u.rule)
            .bind(u.index as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stored != 1 {
                return Err(unresolved(
                    "the run that evaluated it has no result of that rule".into(),
                ));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The policy the regulator signed last, if any.
    pub async fn policy(&self) -> Result<Option<PolicyDoc>, StoreError> {
        let row = sqlx::query("SELECT policy FROM policies ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let text: String = row.try_get(0)?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Damaged("(policy)".into(), e.to_string()))
    }

    /// Puts `policy` in force, with the regulator's signed `envelope`.
    pub async fn set_policy(&self, policy: &PolicyDoc, envelope: &str) -> Result<(), StoreError> {
        let text = serde_json::to_string(policy)
            .map_err(|e| StoreError::Damaged("(policy)".into(), e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM policies")
            .fetch_one(&mut *tx)
            .await?;
        let seq: i64 = row.try_get(0)?;
        sqlx::query("INSERT INTO policies (seq, policy, envelope) VALUES ($1, $2, $3)")
            .bind(seq + 1)
            .bind(text)
            .bind(envelope)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict,
                other => other.into(),
            })?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a flag not tied to a run (a refused, rewritten ledger).
    pub async fn flag(&self, utility: &str, kind: &str, detail: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let seq = last_flag(&mut tx, utility).await?;
        sqlx::query(
            "INSERT INTO flags (utility, seq, run, kind, detail) VALUES ($1, $2, NULL, $3, $4)",
        )
        .bind(utility)
        .bind(seq + 1)
        .bind(kind)
        .bind(detail)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every utility with its runs, latest outcomes and flags.
    pub async fn overview(&self) -> Result<Overview, StoreError> {
        let mut utilities: BTreeMap<String, UtilityView> = BTreeMap::new();
        for row in sqlx::query("SELECT id, name_ja, name_en FROM utilities")
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get(0)?;
            utilities.insert(
                id.clone(),
                UtilityView {
                    id,
                    name_ja: row.try_get(1)?,
                    name_en: row.try_get(2)?,
                    entries: 0,
                    runs: Vec::new(),
                    latest: BTreeMap::new(),
                    flags: Vec::new(),
                },
            );
        }
        for row in sqlx::query("SELECT utility, COUNT(*) FROM entries GROUP BY utility")
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get(0)?;
            let n: i64 = row.try_get(1)?;
            if let Some(u) = utilities.get_mut(&id) {
                u.entries = n as u64;
            }
        }
        let mut latest_run: BTreeMap<String, String> = BTreeMap::new();
        for row in sqlx::query("SELECT utility, run, as_of, packs FROM runs ORDER BY utility, idx")
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get(0)?;
            let run: String = row.try_get(1)?;
            if let Some(u) = utilities.get_mut(&id) {
                u.runs.push(RunView {
                    run: run.clone(),
                    as_of: row.try_get(2)?,
                    packs: row.try_get(3)?,
                    outcomes: BTreeMap::new(),
                });
            }
            latest_run.insert(id, run);
        }
        let mut rules: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for row in sqlx::query("SELECT utility, run, rule, force, outcome FROM results")
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get(0)?;
            let run: String = row.try_get(1)?;
            let rule: String = row.try_get(2)?;
            let force: String = row.try_get(3)?;
            let outcome: String = row.try_get(4)?;
            rules.entry(force).or_default().insert(rule.clone());
            let Some(u) = utilities.get_mut(&id) else {
                continue;
            };
            if let Some(r) = u.runs.iter_mut().find(|r| r.run == run) {
                *r.outcomes.entry(outcome.clone()).or_default() += 1;
            }
            if latest_run.get(&id) == Some(&run) {
                u.latest.insert(rule, outcome);
            }
        }
        for row in sqlx::query("SELECT utility, run, kind, detail FROM flags ORDER BY utility, seq")
            .fetch_all(&self.pool)
            .await?
        {
            let id: String = row.try_get(0)?;
            if let Some(u) = utilities.get_mut(&id) {
                u.flags.push(FlagView {
                    run: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    detail: row.try_get(3)?,
                });
            }
        }
        Ok(Overview {
            rules: rules
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            utilities: utilities.into_values().collect(),
        })
    }
}
